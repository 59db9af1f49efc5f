#include "state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "util/os_error.h"

namespace velo::state {
namespace {

// Whether `fd` is still the file at `path`: a holder may have removed it
// (and another process made a new one) while we waited.
bool still_linked(int fd, const std::string& path) {
  struct stat held {};
  struct stat named {};
  if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &named) != 0) return false;
  return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path, int timeout_s, Clock& clock) {
  auto deadline = clock.monotonic() + std::chrono::seconds(timeout_s);
  for (;;) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return os_error(errno, "cannot open lock " + path);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        Error error = os_error(errno, "cannot lock " + path);
        ::close(fd);
        return error;
      }
      if (clock.monotonic() >= deadline) {
        ::close(fd);
        return make_error(ErrorKind::Busy, "another velo is working on this project (lock {})",
                          path);
      }
      clock.sleep_for(std::chrono::milliseconds(20));
    }
    if (still_linked(fd, path)) return FileLock(fd, path);
    ::close(fd);  // removed by its last holder: lock the file there now
  }
}

Result<bool> FileLock::is_held(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    return os_error(errno, "cannot open lock " + path);
  }
  int locked = ::flock(fd, LOCK_SH | LOCK_NB);
  int error = errno;
  ::close(fd);  // releases the shared lock, if it was taken
  if (locked == 0) return false;
  if (error == EWOULDBLOCK) return true;
  return os_error(error, "cannot test lock " + path);
}

FileLock::~FileLock() {
  if (fd_ < 0) return;
  if (remove_if_ && remove_if_()) ::unlink(path_.c_str());
  ::close(fd_);  // closing releases the flock
}

}  // namespace velo::state
