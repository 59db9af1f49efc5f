// A file descriptor owned by one scope, and the write loop that every
// writer of a descriptor needs (short writes, EINTR).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <string>

#include "util/result.h"

namespace velo {

// Closes its descriptor on destruction. Movable, so that a function can
// hand one back (exec's pipe ends); -1 means none.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // close() reports write-back errors on some filesystems (NFS).
  int close() { return ::close(release()); }

 private:
  int fd_ = -1;
};

// Writes all `size` bytes, naming `path` in the error.
Status write_all(int fd, const char* data, size_t size, const std::string& path);

}  // namespace velo
