#include "util/os_error.h"

#include <cerrno>
#include <cstring>

namespace velo {

Error os_error(int err, const std::string& what) {
  ErrorKind kind = ErrorKind::Io;
  switch (err) {
    case ENOENT:
      kind = ErrorKind::NotFound;
      break;
    case EEXIST:
    case ENOTEMPTY:
      kind = ErrorKind::Conflict;
      break;
    case EBUSY:
      kind = ErrorKind::Busy;
      break;
    case ETIMEDOUT:
      kind = ErrorKind::Timeout;
      break;
    default:
      break;
  }
  return os_error(err, what, kind);
}

Error os_error(int err, const std::string& what, ErrorKind kind) {
  return make_error(kind, "{}: {}", what, std::strerror(err));
}

}  // namespace velo
