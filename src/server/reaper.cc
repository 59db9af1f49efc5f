#include "server/reaper.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace velo::server {
namespace {

// Our children that are zombies now, from /proc/PID/stat: "pid (comm) S ppid".
std::set<pid_t> zombie_children() {
  std::set<pid_t> out;
  const pid_t self = ::getpid();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // comm may hold spaces and parentheses: the state follows the last ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos || close + 4 >= line.size()) continue;
    const char state = line[close + 2];
    const pid_t parent = static_cast<pid_t>(std::atol(line.c_str() + close + 4));
    if (state == 'Z' && parent == self) out.insert(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

}  // namespace

int ZombieReaper::sweep() {
  const std::set<pid_t> now = zombie_children();
  int reaped = 0;
  for (pid_t pid : now) {
    if (seen_.contains(pid) && ::waitpid(pid, nullptr, WNOHANG) == pid) ++reaped;
  }
  seen_ = now;
  return reaped;
}

}  // namespace velo::server
