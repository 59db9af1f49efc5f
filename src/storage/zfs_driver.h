// The zfs driver: a volume is the dataset <parent>/<volume>, mounted where
// the parent's mountpoint is inherited; snapshots are `zfs snapshot`s and
// clones `zfs clone`s. A clone depends on its origin snapshot, so a
// volume or snapshot with clones is a Conflict, never destroyed with -R.
// Commands run through the ProcessRunner with LC_ALL=C; errors are read
// from zfs's stderr ("already exists", "does not exist", "dependent clones").
#pragma once

#include <map>
#include <memory>
#include <string>

#include "storage/driver.h"
#include "util/clock.h"

namespace velo::storage {

class ZfsDriver : public Driver {
 public:
  // Makes sure zfs answers (starting zfs-fuse if needed), then reads the
  // parent's mountpoint once so that volume_path() needs no I/O. `clock`
  // paces the retries of busy datasets and the wait for zfs-fuse.
  // REQUIRES: `runner` and `clock` outlive the driver.
  static Result<std::unique_ptr<ZfsDriver>> open(const std::string& parent, ProcessRunner& runner,
                                                 Clock& clock = real_clock());

  // `fuse`: zfs runs on zfs-fuse, not OpenZFS's kernel module (open()
  // tells them apart by /dev/zfs).
  ZfsDriver(std::string parent, std::string parent_mountpoint, ProcessRunner& runner,
            Clock& clock = real_clock(), bool fuse = false)
      : parent_(std::move(parent)),
        mountpoint_(std::move(parent_mountpoint)),
        runner_(runner),
        clock_(clock),
        fuse_(fuse) {}

  std::string name() const override { return "zfs"; }
  bool atomic_snapshots() const override { return true; }
  // <parent mountpoint>/<volume>: holds because volumes inherit it.
  std::string volume_path(const std::string& volume) const override {
    return mountpoint_ + "/" + volume;
  }
  Status create_volume(const std::string& volume) override;
  Status destroy_volume(const std::string& volume) override;
  Status snapshot(const std::string& volume, const std::string& snapshot) override;
  Status destroy_snapshot(const std::string& volume, const std::string& snapshot) override;
  Status clone(const std::string& volume, const std::string& snapshot,
               const std::string& new_volume) override;
  // The .zfs/snapshot directory (not exposed by zfs-fuse); informational.
  std::string snapshot_path(const std::string& volume, const std::string& snapshot) const override {
    return volume_path(volume) + "/.zfs/snapshot/" + snapshot;
  }
  // Atomic driver: Invalid.
  Status recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                              const std::string& relative_dir) override;
  // From `zfs get -Hp all`: logicalreferenced (referenced on zfs-fuse,
  // which lacks it, so compressed there), usedbydataset (0 for a fresh
  // clone) and usedbysnapshots, which zfs counts exactly.
  Result<VolumeSpace> volume_space(const std::string& volume) override;
  // The pool's capacity (used + available of its root dataset) and what
  // the parent dataset may still write (its available, after quotas).
  Result<PoolSpace> pool_space() override;
  // `zfs set quota=`: see zfs_driver.cc for why quota and not refquota.
  Status set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) override;
  // Every zfs dataset takes a quota, but zfs-fuse's daemon aborts when a
  // write runs into one (an assertion in zfsfuse_write on a short write),
  // unmounting every dataset, main's too: Unavailable on zfs-fuse.
  Status size_limits_supported() override;
  Result<std::vector<std::string>> list_volumes() override;
  Result<std::vector<std::string>> list_snapshots(const std::string& volume) override;
  Status check() override;

 private:
  std::string dataset(const std::string& volume) const { return parent_ + "/" + volume; }
  // Runs `zfs args...`; a failure becomes Conflict, NotFound or Io from stderr.
  Result<ExecResult> zfs(std::vector<std::string> args);
  // `zfs destroy -r`, unmounting first when zfs says it is busy.
  Status destroy_dataset(const std::string& ds);

  std::string parent_;
  std::string mountpoint_;
  ProcessRunner& runner_;
  Clock& clock_;
  bool fuse_;
};

// Makes `zfs` answer: if it cannot reach its daemon and zfs-fuse is
// installed (no kernel module), starts zfs-fuse and polls until `zfs list`
// works (at most ~20 s). Ok at once when zfs already answers.
Status ensure_zfs_available(ProcessRunner& runner, Clock& clock = real_clock());

// Maps a failed zfs/zpool command's stderr to an error kind.
Error zfs_error(const std::string& what, const ExecResult& result);

// Numeric values of `zfs get -Hp -o name,property,value` output, by
// dataset and property; values that are not numbers ("-", "on") are left
// out.
using ZfsValues = std::map<std::string, std::map<std::string, uint64_t>>;
ZfsValues parse_zfs_values(const std::string& output);

// Names of `zfs list -H -o name` output, one a line.
std::vector<std::string> split_lines(const std::string& output);

}  // namespace velo::storage
