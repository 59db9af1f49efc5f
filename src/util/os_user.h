// An operating-system account that servers run as.
#pragma once

#include <sys/types.h>

#include <string>

#include "util/result.h"

namespace velo {

struct OsUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks `name` up in the password database.
Result<OsUser> lookup_user(const std::string& name);
// The account this process runs as.
OsUser current_user();
bool running_as_root();

}  // namespace velo
