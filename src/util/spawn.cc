// spawn_detached: a long-lived child (a postgres server) in its own session
// so that it outlives velo and is spared the terminal's SIGHUP and SIGINT.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/exec.h"
#include "util/exec_child.h"
#include "util/os_error.h"

namespace velo {

Result<pid_t> spawn_detached(const Command& command, const std::string& log_path) {
  exec_internal::ChildPlan plan;
  VELO_TRY(plan.prepare(command));

  // Opened here, before the child drops privileges, so the log may live in
  // a directory the server's user cannot write; chowned so that the user
  // can reopen it later (pg_ctl logrotate, say).
  UniqueFd log(
      ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!log.valid()) return os_error(errno, "open " + log_path);
  if (plan.switch_user && ::fchown(log.get(), plan.uid, plan.gid) != 0) {
    return os_error(errno, "chown " + log_path);
  }
  UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_in.valid()) return os_error(errno, "open /dev/null");
  UniqueFd report_read, report_write;
  VELO_TRY(exec_internal::make_pipe(&report_read, &report_write));

  // In a session of its own: spared the terminal's SIGHUP and SIGINT.
  VELO_ASSIGN_OR_RETURN(pid_t pid,
                        exec_internal::launch_child(
                            plan, {null_in.get(), log.get(), log.get(), report_write.get()}, true));
  report_write.reset();
  VELO_TRY(exec_internal::await_exec(plan, std::move(report_read), pid));
  return pid;
}

}  // namespace velo
