// Internal to exec.cc and spawn.cc: what a child needs, prepared in the
// parent, and starting it. Until it execs, the child may only make
// async-signal-safe calls, so everything that allocates (argv, envp, the
// user's supplementary groups) is built beforehand into a ChildPlan.
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

// The descriptors the child gets as 0, 1 and 2, and the pipe it reports
// a failure to start on.
struct ChildFds {
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  int report_fd;
};

// Starts the child: it installs stdin/stdout/stderr, marks every other
// descriptor close-on-exec, starts a new session if `new_session`, drops
// privileges, changes directory and execs. On failure it writes {stage,
// errno} to `report_fd` and exits 127; a successful exec closes
// `report_fd` (close-on-exec), which the parent reads as success.
//
// Like posix_spawn, the child shares velo's memory until it execs
// (clone with CLONE_VM | CLONE_VFORK, on a stack of its own), where fork
// would copy the page tables of every thread and make each thread's next
// writes fault: in `velo serve`, a fork's copy-on-write faults and TLB
// shootdowns stalled every request for tens of milliseconds.
Result<pid_t> launch_child(const ChildPlan& plan, ChildFds fds, bool new_session);

// The parent's side of the report: Ok once exec succeeded; otherwise reaps
// `pid` and returns why the child could not start.
Status await_exec(const ChildPlan& plan, UniqueFd report_read, pid_t pid);

// waitpid that retries on EINTR; returns the raw status.
Result<int> wait_for(pid_t pid);

}  // namespace velo::exec_internal
