// The copy driver: volumes and snapshots are plain directory trees under
// a root directory (layout in dir_layout.h), copied file by file. Works on
// any filesystem; a snapshot or clone costs time and disk proportional to
// the data. Not atomic: core uses PostgreSQL's backup API around it.
// The reflink driver is the same with FICLONE instead of a byte copy.
#pragma once

#include <string>

#include "storage/dir_layout.h"
#include "storage/driver.h"
#include "storage/tree_copy.h"

namespace velo::storage {

class CopyDriver : public Driver {
 public:
  explicit CopyDriver(std::string root) : CopyDriver(std::move(root), CopyMode::Copy) {}

  std::string name() const override { return "copy"; }
  bool atomic_snapshots() const override { return false; }
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
  Status recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                              const std::string& relative_dir) override;
  // Allocated blocks of the volume's files (hard links counted once), as
  // logical and as unique bytes (nothing is shared); snapshots likewise.
  Result<VolumeSpace> volume_space(const std::string& volume) override;
  // The root's filesystem (statvfs).
  Result<PoolSpace> pool_space() override;
  // No quotas: Unavailable, naming the drivers that have them.
  Status set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) override;
  Status size_limits_supported() override;
  Result<std::vector<std::string>> list_volumes() override { return layout_.list_volumes(); }
  Result<std::vector<std::string>> list_snapshots(const std::string& volume) override {
    return layout_.list_snapshots(volume);
  }
  Status check() override;

 protected:
  CopyDriver(std::string root, CopyMode mode) : layout_(std::move(root)), mode_(mode) {}

  // Copies src to dst through "<dst>.partial" and a rename, so that a
  // crash never leaves a half tree under a real name (a leftover
  // "x.partial" is listed, and so removed by gc).
  Status copy_into_place(const std::string& src, const std::string& dst);
  Status volume_exists(const std::string& volume) const;
  // What removing the tree at `dir`, whose blocks add up to `allocated`,
  // would free: all of it for a plain copy.
  virtual Result<uint64_t> unshared_bytes(const std::string& dir, uint64_t allocated) const;

  DirLayout layout_;
  CopyMode mode_;
};

}  // namespace velo::storage
