// Storage drivers make volumes (one per branch incarnation), snapshots of
// volumes, and writable clones of snapshots. A volume's files live under
// volume_path(); PostgreSQL's data directory is volume_path()/data.
//
// Names: volume names match [a-z0-9._-]+ (velo uses "<project>.<branch>.<n>"),
// snapshot names match [a-z0-9._-]+. Every volume a driver makes is found
// again by list_volumes(), so that `velo gc` can remove orphans.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/exec.h"
#include "util/result.h"

namespace velo::storage {

// What `velo init` recorded; which fields matter depends on `kind`.
// Which fields apply depends on the kind; the others stay empty.
struct DriverConfig {
  std::string kind;             // zfs | btrfs | reflink | copy
  std::string zfs_parent = {};  // zfs: parent dataset, e.g. "tank/velo"
  std::string path = {};        // btrfs, reflink, copy: root directory
  std::string image_file = {};  // set when velo made a file-backed pool (init --image-file)
  std::string image_fs = {};    // zfs | btrfs | xfs, with image_file
};

struct VolumeSpace {
  uint64_t logical_bytes = 0;   // what the volume's files hold, as if unshared
  uint64_t unique_bytes = 0;    // what destroying the volume alone would free
  uint64_t snapshot_bytes = 0;  // what destroying all its snapshots would free
};

struct PoolSpace {
  uint64_t size_bytes = 0;
  uint64_t used_bytes = 0;
  uint64_t free_bytes = 0;  // what velo's volumes can still write
};

class Driver {
 public:
  virtual ~Driver() = default;

  virtual std::string name() const = 0;

  // True when snapshot() captures a volume atomically (zfs, btrfs): a
  // snapshot of a running server is then crash-consistent. False for
  // reflink and copy, whose per-file copies need PostgreSQL's backup API.
  virtual bool atomic_snapshots() const = 0;

  // Where the volume's files are (its mountpoint). Pure: no I/O.
  virtual std::string volume_path(const std::string& volume) const = 0;

  // Creates an empty volume. Conflict if it exists.
  virtual Status create_volume(const std::string& volume) = 0;

  // Destroys a volume and its own snapshots. Conflict if another volume is
  // still a clone of one of its snapshots (zfs); NotFound if absent.
  virtual Status destroy_volume(const std::string& volume) = 0;

  // Makes an immutable point of `volume` named `snapshot`.
  virtual Status snapshot(const std::string& volume, const std::string& snapshot) = 0;

  // Conflict if a volume is still a clone of it (zfs); NotFound if absent.
  virtual Status destroy_snapshot(const std::string& volume, const std::string& snapshot) = 0;

  // Makes `new_volume`, a writable copy-on-write clone of volume@snapshot.
  virtual Status clone(const std::string& volume, const std::string& snapshot,
                       const std::string& new_volume) = 0;

  // Non-atomic drivers only: the directory holding the snapshot's files,
  // which core may amend (backup_label, WAL copied after pg_backup_stop)
  // before any clone is made of it.
  virtual std::string snapshot_path(const std::string& volume,
                                    const std::string& snapshot) const = 0;

  // Non-atomic drivers only: replaces `relative_dir` inside the snapshot
  // with a fresh copy of the live volume's `relative_dir` (used for pg_wal
  // after pg_backup_stop).
  virtual Status recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                                      const std::string& relative_dir) = 0;

  // What a volume and its snapshots take (VolumeSpace), and what the pool
  // holds. Each driver says how it counts; sharing makes every figure but
  // logical_bytes an estimate on reflink.
  virtual Result<VolumeSpace> volume_space(const std::string& volume) = 0;
  virtual Result<PoolSpace> pool_space() = 0;

  // Caps the bytes `volume` may write with the filesystem's own quota
  // (velo branch create --max-size); nullopt removes the cap. A write past
  // the cap fails as a full disk would (EDQUOT), for this volume only. What
  // counts against the cap is documented per driver. Unavailable, saying
  // how to turn quotas on, where size_limits_supported() is not Ok.
  virtual Status set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) = 0;

  // Ok when set_size_limit can work on this pool; else Unavailable with a
  // message that says how to enable quotas. Asked before anything is made.
  virtual Status size_limits_supported() = 0;

  virtual Result<std::vector<std::string>> list_volumes() = 0;
  virtual Result<std::vector<std::string>> list_snapshots(const std::string& volume) = 0;

  // For `velo doctor`: tools present, root reachable and writable.
  virtual Status check() = 0;
};

// The driver named by config.kind, or Invalid.
Result<std::unique_ptr<Driver>> make_driver(const DriverConfig& config, ProcessRunner& runner);

// For `velo init --storage auto`: the best driver `path`'s filesystem
// supports: btrfs on btrfs, reflink where FICLONE works, else copy.
std::string detect_best_driver(const std::string& path);

}  // namespace velo::storage
