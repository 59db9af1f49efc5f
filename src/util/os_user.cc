#include "util/os_user.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "util/os_error.h"

namespace velo {
namespace {

// getpwnam_r/getpwuid_r need a caller buffer whose size is only a hint.
template <typename Lookup>
Result<OsUser> lookup(Lookup&& call, const std::string& what) {
  long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(hint > 0 ? static_cast<size_t>(hint) : 4096);
  while (true) {
    passwd entry{};
    passwd* found = nullptr;
    int rc = call(&entry, buffer.data(), buffer.size(), &found);
    if (rc == ERANGE) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (rc != 0) return os_error(rc, "look up user " + what);
    if (found == nullptr) return make_error(ErrorKind::NotFound, "no such OS user: {}", what);
    return OsUser{found->pw_name, found->pw_uid, found->pw_gid};
  }
}

}  // namespace

Result<OsUser> lookup_user(const std::string& name) {
  return lookup([&](passwd* entry, char* buf, size_t size,
                    passwd** found) { return ::getpwnam_r(name.c_str(), entry, buf, size, found); },
                name);
}

OsUser current_user() {
  uid_t uid = ::geteuid();
  auto user = lookup([&](passwd* entry, char* buf, size_t size,
                         passwd** found) { return ::getpwuid_r(uid, entry, buf, size, found); },
                     std::to_string(uid));
  // A uid without a passwd entry (containers do this) is still a user.
  if (!user.ok()) return OsUser{std::to_string(uid), uid, ::getegid()};
  return user.value();
}

bool running_as_root() { return ::geteuid() == 0; }

}  // namespace velo
