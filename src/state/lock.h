// An advisory file lock (flock) held for the duration of an operation,
// so that two velo processes never interleave the steps of operations on
// the same project. Released when the object goes away, or when the
// process dies.
#pragma once

#include <string>

#include "util/clock.h"
#include "util/result.h"

namespace velo::state {

class FileLock {
 public:
  // Waits up to `timeout_s` for the lock on `path` (created 0600),
  // polling on `clock`.
  static Result<FileLock> acquire(const std::string& path, int timeout_s,
                                  Clock& clock = real_clock());
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace velo::state
