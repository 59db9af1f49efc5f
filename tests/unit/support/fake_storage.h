// An in-memory storage driver whose volumes are real directories under a
// temporary root (core writes velo.conf into them), with failure injection
// per operation, so that core's undo paths can be tested without root.
// Not atomic (atomic = false): a snapshot is a directory holding an empty
// data/ that recopy_into_snapshot fills, as the backup-API path needs.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "storage/driver.h"

namespace velo::testing {

class FakeDriver : public storage::Driver {
 public:
  explicit FakeDriver(std::string root, bool atomic = true)
      : root_(std::move(root)), atomic_(atomic) {}

  std::string name() const override { return "fake"; }
  bool atomic_snapshots() const override { return atomic_; }
  std::string volume_path(const std::string& volume) const override { return root_ + "/" + volume; }
  Status create_volume(const std::string& volume) override;
  Status destroy_volume(const std::string& volume) override;
  Status snapshot(const std::string& volume, const std::string& snapshot) override;
  Status destroy_snapshot(const std::string& volume, const std::string& snapshot) override;
  Status clone(const std::string& volume, const std::string& snapshot,
               const std::string& new_volume) override;
  std::string snapshot_path(const std::string& volume, const std::string& snapshot) const override {
    return root_ + "/" + volume + "@" + snapshot;
  }
  Status recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                              const std::string& relative_dir) override;
  // `spaces` of the volume (8192 logical, 4096 unique by default);
  // NotFound for a volume that does not exist.
  Result<storage::VolumeSpace> volume_space(const std::string& volume) override {
    std::lock_guard lock(mutex_);
    ++space_reads;
    if (!volumes.contains(volume)) return make_error(ErrorKind::NotFound, "no volume {}", volume);
    auto found = spaces.find(volume);
    return found == spaces.end() ? storage::VolumeSpace{8192, 4096, 0} : found->second;
  }
  Result<storage::PoolSpace> pool_space() override { return pool; }
  // Records the cap in `limits` (erased for nullopt); NotFound for a
  // volume it does not have.
  Status set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) override;
  Status size_limits_supported() override {
    if (quotas) return Status::Ok();
    return make_error(ErrorKind::Unavailable, "the fake driver has no quotas here");
  }
  Result<std::vector<std::string>> list_volumes() override;
  Result<std::vector<std::string>> list_snapshots(const std::string& volume) override;
  Status check() override { return Status::Ok(); }

  // The next call of `operation` ("clone", "snapshot", ...) fails with Io.
  void fail_next(const std::string& operation) { failures_.insert(operation); }

  storage::PoolSpace pool{100 << 20, 10 << 20, 90 << 20};
  std::map<std::string, storage::VolumeSpace> spaces;
  int space_reads = 0;
  std::set<std::string> volumes;
  std::set<std::string> snapshots;              // "volume@snapshot"
  std::map<std::string, std::string> clone_of;  // volume -> "origin@snapshot"
  std::map<std::string, uint64_t> limits;       // volume -> cap (set_size_limit)
  bool quotas = true;                           // size_limits_supported()

 private:
  Status maybe_fail(const std::string& operation);
  Status make_data_dir(const std::string& volume);
  std::string root_;
  bool atomic_;
  std::set<std::string> failures_;
  // Core makes an archive volume on a thread of its own while it
  // snapshots (core/history/archive_alongside.h).
  std::mutex mutex_;
};

}  // namespace velo::testing
