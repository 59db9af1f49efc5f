#include "runtime/velo_link.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::runtime {
namespace {

// The target of `link`; "" when it is no symlink or is missing.
std::string read_link(const std::string& link) {
  char buf[4096];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) == sizeof buf) return "";
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

std::string velo_link_path(const std::string& data_root) { return data_root + "/bin/velo"; }

std::string self_executable() {
  std::string path = read_link("/proc/self/exe");
  return path.empty() ? "velo" : path;
}

Status refresh_link(const std::string& link, const std::string& target) {
  if (read_link(link) == target) return Status::Ok();
  auto slash = link.find_last_of('/');
  if (slash != std::string::npos && slash > 0) VELO_TRY(make_dirs(link.substr(0, slash), 0755));
  // The pid keeps two velo processes refreshing at once apart.
  const std::string temporary = fmt::format("{}.{}.tmp", link, ::getpid());
  ::unlink(temporary.c_str());
  if (::symlink(target.c_str(), temporary.c_str()) != 0) {
    return os_error(errno, "link " + temporary + " to " + target);
  }
  if (::rename(temporary.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(temporary.c_str());
    return os_error(err, "rename " + temporary + " to " + link);
  }
  return Status::Ok();
}

}  // namespace velo::runtime
