// The btrfs driver: a volume is a subvolume at <root>/volumes/<volume>, a
// snapshot a read-only subvolume snapshot at <root>/snapshots/<v>@<s>, a
// clone a writable snapshot of that snapshot. Snapshots are atomic, and
// btrfs clones do not depend on their origin, so nothing is a Conflict.
#pragma once

#include <string>

#include "storage/btrfs_subvolumes.h"
#include "storage/dir_layout.h"
#include "storage/driver.h"

namespace velo::storage {

class BtrfsDriver : public Driver {
 public:
  // REQUIRES: `runner` and `subvolumes` outlive the driver. Subvolumes
  // are made and removed by ioctl; quotas and space use the btrfs tool.
  BtrfsDriver(std::string root, ProcessRunner& runner,
              BtrfsSubvolumes& subvolumes = library_subvolumes())
      : layout_(std::move(root)), runner_(runner), subvolumes_(subvolumes) {}

  std::string name() const override { return "btrfs"; }
  bool atomic_snapshots() const override { return true; }
  std::string volume_path(const std::string& volume) const override {
    return layout_.volume(volume);
  }
  Status create_volume(const std::string& volume) override;
  Status destroy_volume(const std::string& volume) override;
  Status snapshot(const std::string& volume, const std::string& snapshot) override;
  Status destroy_snapshot(const std::string& volume, const std::string& snapshot) override;
  Status clone(const std::string& volume, const std::string& snapshot,
               const std::string& new_volume) override;
  std::string snapshot_path(const std::string& volume, const std::string& snapshot) const override {
    return layout_.snapshot(volume, snapshot);
  }
  // Atomic driver: Invalid.
  Status recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                              const std::string& relative_dir) override;
  // From one `btrfs filesystem du -s --raw` of the volume and its
  // snapshots: "Total" is logical, "Exclusive" (extents referenced by that
  // subvolume only; 0 for a fresh clone) is unique, and the snapshots'
  // exclusive bytes add up to snapshot_bytes (an estimate: extents shared
  // by two snapshots only are counted by neither). It walks the files, so
  // it costs time on big volumes; it needs no quota groups.
  Result<VolumeSpace> volume_space(const std::string& volume) override;
  // The filesystem's statvfs (btrfs's own estimate of what it can write).
  Result<PoolSpace> pool_space() override;
  // A limit on the exclusive bytes of the subvolume's level-0 qgroup
  // (`btrfs qgroup limit -e`): what the branch wrote, not the data it
  // shares with its parent's snapshot. Data the parent rewrites after
  // every snapshot sharing it is gone becomes the branch's alone and
  // counts too; velo keeps a branch's base snapshot while it lives.
  Status set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) override;
  // Quotas are enabled on the filesystem (`btrfs quota enable MOUNT`).
  Status size_limits_supported() override;
  Result<std::vector<std::string>> list_volumes() override { return layout_.list_volumes(); }
  Result<std::vector<std::string>> list_snapshots(const std::string& volume) override {
    return layout_.list_snapshots(volume);
  }
  // The root is on btrfs and the btrfs tool runs.
  Status check() override;

 private:
  DirLayout layout_;
  ProcessRunner& runner_;
  BtrfsSubvolumes& subvolumes_;
};

// One row of `btrfs filesystem du -s --raw` output per path, in order.
struct BtrfsDuRow {
  uint64_t total = 0;
  uint64_t exclusive = 0;
};
Result<std::vector<BtrfsDuRow>> parse_btrfs_du(const std::string& output);

}  // namespace velo::storage
