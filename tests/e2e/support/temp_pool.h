// Real storage for end-to-end tests: a fresh pool per test on a real
// filesystem, removed again in the destructor even when the test failed.
//   "zfs":   a file-backed zfs(-fuse) pool      -> driver zfs
//   "btrfs": a btrfs loop image                 -> driver btrfs
//   "xfs":   an XFS reflink=1 loop image        -> driver reflink
//   "copy":  a plain directory                  -> driver copy
// Pools are made with storage::create_image_pool, so they test it too.
// Names are unique per run (pid and time), under /tmp/velo-e2e-*.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/driver.h"
#include "util/exec.h"
#include "util/result.h"

namespace velo::e2e {

// Every fs TempPool knows, in the order tests usually run them.
const std::vector<std::string>& pool_kinds();
// True under `scripts/test --long` (VELO_TEST_LONG set and not "0").
bool long_run();
// `kinds` in CI; every pool kind when VELO_TEST_LONG is set (scripts/test
// --long), for the full driver matrix.
std::vector<std::string> kinds_for_run(std::vector<std::string> kinds);

// Empty when a TempPool of `fs` can be made on this machine, else why not
// (not root, a tool or kernel filesystem missing). For GTEST_SKIP().
std::string pool_unavailable_reason(const std::string& fs);

class TempPool {
 public:
  // REQUIRES: pool_unavailable_reason(fs) is empty.
  static Result<std::unique_ptr<TempPool>> create(const std::string& fs,
                                                  uint64_t size_bytes = 512ull << 20);
  ~TempPool();
  TempPool(const TempPool&) = delete;
  TempPool& operator=(const TempPool&) = delete;

  const std::string& fs() const { return fs_; }
  // The unique directory holding the image and mountpoint (mode 0755, so
  // that a server's OS user can reach data directories inside).
  const std::string& dir() const { return dir_; }
  // What `velo init` would record for this pool.
  const storage::DriverConfig& config() const { return config_; }
  // Arguments for the built binary that point `velo init` at this pool,
  // e.g. {"init", "--storage", "zfs", "--zfs-parent", "velo1a2b3c4d/velo"}.
  std::vector<std::string> init_args() const;
  ProcessRunner& runner() { return runner_; }

 private:
  TempPool(std::string fs, std::string dir) : fs_(std::move(fs)), dir_(std::move(dir)) {}

  std::string fs_;
  std::string dir_;
  storage::DriverConfig config_;
  RealProcessRunner runner_;
};

}  // namespace velo::e2e
