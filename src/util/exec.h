// Running external programs. Always from an argv vector, never a shell
// string; stdin from /dev/null unless input is given; LC_ALL=C so that
// output can be parsed; every other descriptor closed in the child.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/os_user.h"
#include "util/result.h"

namespace velo {

// Every field but argv has a default: Command{argv} is a complete command.
struct Command {
  std::vector<std::string> argv;
  // Added to (or overriding) the inherited environment.
  std::vector<std::pair<std::string, std::string>> env = {};
  // Written to the child's stdin; nullopt means stdin is /dev/null.
  std::optional<std::string> input = std::nullopt;
  // Run as this user (needs root); nullopt means as ourselves.
  std::optional<OsUser> user = std::nullopt;
  std::string cwd = {};  // "" keeps ours
  // Long work that an interrupt should cut short (pg_basebackup,
  // pg_restore): velo sends it SIGTERM when a SIGINT or SIGTERM arrives
  // outside an undo (util/interrupt.h). Off for anything whose effect may
  // land after its client is stopped (zfs-fuse finishes a snapshot the
  // `zfs` command was killed during): those run to their end.
  bool stop_on_interrupt = false;
  // An interactive program (psql): the child gets velo's own stdin, stdout
  // and stderr, nothing is captured, its locale is the user's (no
  // LC_ALL=C), and it stays in velo's process group so that the terminal
  // is its own and a Ctrl-C reaches it; velo ignores SIGINT and SIGQUIT
  // until it exits, as system(3) does. `input` must be nullopt.
  bool inherit_stdio = false;
};

struct ExecResult {
  int exit_code = 0;  // 128+signal when killed by a signal
  std::string out;
  std::string err;
};

// The argv joined with spaces, for logs and error messages only. Values of
// arguments that look like secrets (password=..., URLs with a password) are
// redacted.
std::string describe(const Command& command);

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs the command to completion and captures stdout and stderr. Fails
  // only when the program could not be started; a non-zero exit is a value.
  virtual Result<ExecResult> run(const Command& command) = 0;
};

// Runs `command` and turns a non-zero exit into an Io error whose message
// names the program and quotes the last line of its stderr.
Result<ExecResult> run_checked(ProcessRunner& runner, const Command& command);

// The real runner: fork + execvp.
class RealProcessRunner : public ProcessRunner {
 public:
  Result<ExecResult> run(const Command& command) override;
};

// Starts `command` detached (own session, so it outlives velo), with stdout
// and stderr appended to `log_path`. Returns the child's pid; the caller
// may waitpid(pid, WNOHANG) to notice an early exit.
Result<pid_t> spawn_detached(const Command& command, const std::string& log_path);

}  // namespace velo
