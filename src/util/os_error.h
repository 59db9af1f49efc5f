// The one place where errno becomes an Error: callers say what they were
// doing ("open /x"), this decides the kind and appends strerror.
#pragma once

#include <string>

#include "util/result.h"

namespace velo {

// ENOENT -> NotFound, EEXIST/ENOTEMPTY -> Conflict, EBUSY -> Busy,
// ETIMEDOUT -> Timeout, anything else -> Io.
Error os_error(int err, const std::string& what);
// The same message with the kind the caller's context decides (a pool that
// cannot be reached is Unavailable whatever errno says).
Error os_error(int err, const std::string& what, ErrorKind kind);

}  // namespace velo
