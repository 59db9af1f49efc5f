// An advisory file lock (flock) held for the duration of an operation,
// so that two velo processes never interleave the steps of operations on
// the same project. Released when the object goes away, or when the
// process dies.
//
// The lock file may be removed by its holder (remove_file_if): a waiter
// that then gets the lock on the removed file notices and locks the file
// now at the path instead, so removing never lets two holders in.
#pragma once

#include <functional>
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
  FileLock(FileLock&& other) noexcept
      : fd_(other.fd_), path_(std::move(other.path_)), remove_if_(std::move(other.remove_if_)) {
    other.fd_ = -1;
  }
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

  // Whether a process holds the lock on `path` now; a missing file means
  // no one. Takes a shared lock for an instant to find out (a holder's
  // exclusive lock refuses it) and never creates the file.
  static Result<bool> is_held(const std::string& path);

  // On release, still holding the lock, removes the file when `predicate`
  // says so (e.g. the project it guards does not exist).
  void remove_file_if(std::function<bool()> predicate) { remove_if_ = std::move(predicate); }

 private:
  FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
  std::function<bool()> remove_if_;
};

}  // namespace velo::state
