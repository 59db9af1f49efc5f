#include "support/pty_run.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace velo::e2e {

PtyResult run_on_pty(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env,
                     const std::string& prompt, const std::string& answer) {
  PtyResult result;
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return result;
  if (pid == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  bool answered = prompt.empty();
  if (answered && !answer.empty()) (void)::write(master, answer.data(), answer.size());
  int status = 0;
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() < deadline) {
    // A server the program started may hold the terminal open after the
    // program ended: its end, not the terminal's, ends the run.
    ended = ::waitpid(pid, &status, WNOHANG) == pid;
    pollfd fd{master, POLLIN, 0};
    while (::poll(&fd, 1, ended ? 0 : 200) > 0) {
      char buffer[4096];
      ssize_t n = ::read(master, buffer, sizeof buffer);
      if (n <= 0) break;  // EIO: every holder closed the terminal
      result.output.append(buffer, static_cast<size_t>(n));
      if (!answered && result.output.find(prompt) != std::string::npos) {
        (void)::write(master, answer.data(), answer.size());
        answered = true;
      }
      if (!ended) break;
    }
  }
  if (!ended) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(master);
  if (ended && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace velo::e2e
