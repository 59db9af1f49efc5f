// Internal to exec.cc and spawn.cc: what a forked child needs, prepared in
// the parent, and the child's side of fork. After fork() the child may only
// make async-signal-safe calls, so everything that allocates (argv, envp,
// the user's supplementary groups) is built beforehand into a ChildPlan.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "util/exec.h"
#include "util/fd.h"
#include "util/result.h"

namespace velo::exec_internal {

// A pipe whose both ends are close-on-exec.
Status make_pipe(UniqueFd* read_end, UniqueFd* write_end);

// Pointers into its own storage: neither copied nor moved.
class ChildPlan {
 public:
  ChildPlan() = default;
  ChildPlan(const ChildPlan&) = delete;
  ChildPlan& operator=(const ChildPlan&) = delete;

  Status prepare(const Command& command);

  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string cwd;
  int max_fd = 0;
  // Command::inherit_stdio: stays in the parent's process group.
  bool own_process_group = true;
  const Command* command = nullptr;
};

// The child's side: installs stdin/stdout/stderr, marks every other
// descriptor close-on-exec, drops privileges, changes directory and execs.
// On failure it writes {stage, errno} to `report_fd` and exits 127; a
// successful exec closes `report_fd` (close-on-exec), which the parent
// reads as success.
[[noreturn]] void exec_child(const ChildPlan& plan, int stdin_fd, int stdout_fd, int stderr_fd,
                             int report_fd);

// The parent's side of the report: Ok once exec succeeded; otherwise reaps
// `pid` and returns why the child could not start.
Status await_exec(const ChildPlan& plan, UniqueFd report_read, pid_t pid);

// waitpid that retries on EINTR; returns the raw status.
Result<int> wait_for(pid_t pid);

}  // namespace velo::exec_internal
