// A file descriptor owned by one scope, and the write loop that every
// writer of a descriptor needs (short writes, EINTR).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <string>

#include "util/result.h"

namespace velo {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // close() reports write-back errors on some filesystems (NFS).
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Writes all `size` bytes, naming `path` in the error.
Status write_all(int fd, const char* data, size_t size, const std::string& path);

}  // namespace velo
