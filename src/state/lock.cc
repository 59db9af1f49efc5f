#include "state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "util/os_error.h"

namespace velo::state {

Result<FileLock> FileLock::acquire(const std::string& path, int timeout_s, Clock& clock) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return os_error(errno, "cannot open lock " + path);
  auto deadline = clock.monotonic() + std::chrono::seconds(timeout_s);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      Error error = os_error(errno, "cannot lock " + path);
      ::close(fd);
      return error;
    }
    if (clock.monotonic() >= deadline) {
      ::close(fd);
      return make_error(ErrorKind::Busy, "another velo is working on this project (lock {})", path);
    }
    clock.sleep_for(std::chrono::milliseconds(20));
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace velo::state
