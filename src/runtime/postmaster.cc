#include "runtime/postmaster.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string_view>

#include "util/fs.h"

namespace velo::runtime {

std::optional<pid_t> read_postmaster_pid(const std::string& data_dir) {
  auto content = read_file(data_dir + "/postmaster.pid");
  if (!content.ok()) return std::nullopt;
  const std::string& text = *content;
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || pid <= 0) return std::nullopt;
  (void)end;
  return pid;
}

bool is_live_postgres(pid_t pid) {
  if (pid <= 0) return false;
  // EPERM means it exists but belongs to someone else: keep looking.
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::string proc = "/proc/" + std::to_string(pid);
  auto stat = read_file(proc + "/stat");
  if (!stat.ok()) return false;
  // "pid (comm) S ...": the state follows the last ')', as comm may hold
  // spaces and parentheses.
  auto paren = stat->rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat->size()) return false;
  char state = (*stat)[paren + 2];
  if (state == 'Z' || state == 'X') return false;
  auto cmdline = read_file(proc + "/cmdline");
  if (!cmdline.ok()) return false;
  std::string argv0 = cmdline->substr(0, cmdline->find('\0'));
  std::string base = argv0.substr(argv0.find_last_of('/') + 1);
  return base.rfind("postgres", 0) == 0 || base.rfind("postmaster", 0) == 0;
}

bool process_runs_in(pid_t pid, const std::string& dir) {
  if (pid <= 0) return false;
  // stat() follows /proc/<pid>/cwd to the directory itself, so bind
  // mounts, symlinks and relative -D paths compare equal when they are.
  struct stat cwd {};
  struct stat target {};
  std::string link = "/proc/" + std::to_string(pid) + "/cwd";
  if (::stat(link.c_str(), &cwd) != 0 || ::stat(dir.c_str(), &target) != 0) return false;
  return cwd.st_dev == target.st_dev && cwd.st_ino == target.st_ino;
}

std::optional<pid_t> live_postmaster_of(const std::string& data_dir) {
  std::optional<pid_t> pid = read_postmaster_pid(data_dir);
  if (!pid || !is_live_postgres(*pid) || !process_runs_in(*pid, data_dir)) return std::nullopt;
  return pid;
}

bool runs_replaced_binary(pid_t pid) {
  char target[4096];
  const std::string exe = "/proc/" + std::to_string(pid) + "/exe";
  ssize_t n = ::readlink(exe.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  return std::string_view(target, static_cast<size_t>(n)).ends_with(" (deleted)");
}

}  // namespace velo::runtime
