#include "util/exec_child.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "util/os_error.h"

extern char** environ;

namespace velo::exec_internal {
namespace {

enum Stage : int { kStdio = 1, kSetgroups, kSetgid, kSetuid, kChdir, kExec };

struct Report {
  int stage;
  int err;
};

const char* stage_name(int stage) {
  switch (stage) {
    case kStdio:
      return "set up stdio";
    case kSetgroups:
      return "setgroups";
    case kSetgid:
      return "setgid";
    case kSetuid:
      return "setuid";
    case kChdir:
      return "chdir";
    default:
      return "exec";
  }
}

[[noreturn]] void fail(int report_fd, int stage) {
  Report report{stage, errno};
  // Nothing useful to do if the parent has gone; the exit code still says 127.
  ssize_t ignored = ::write(report_fd, &report, sizeof report);
  (void)ignored;
  ::_exit(127);
}

// Moves `fd` to `target` unless it is there already. dup2 clears
// close-on-exec on the new descriptor, which is what we want for 0, 1, 2.
bool install(int fd, int target) {
  if (fd == target) return ::fcntl(fd, F_SETFD, 0) == 0;
  return ::dup2(fd, target) == target;
}

// A descriptor below 3 would be overwritten while installing the others.
int lift(int fd) { return fd < 3 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd; }

bool is_overridden(const std::string& entry, const Command& command) {
  auto eq = entry.find('=');
  std::string key = entry.substr(0, eq);
  if (key == "LC_ALL" && !command.inherit_stdio) return true;
  for (const auto& [name, value] : command.env) {
    if (name == key) return true;
  }
  return false;
}

}  // namespace

Status make_pipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return os_error(errno, "pipe");
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  return Status::Ok();
}

Status ChildPlan::prepare(const Command& cmd) {
  command = &cmd;
  if (cmd.argv.empty()) return make_error(ErrorKind::Invalid, "empty command");
  for (const auto& arg : cmd.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  // The inherited environment, minus what the command overrides, then
  // the overrides and LC_ALL=C so that output parses the same everywhere.
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (!is_overridden(*entry, cmd)) env_storage.emplace_back(*entry);
  }
  for (const auto& [name, value] : cmd.env) {
    if (name != "LC_ALL") env_storage.push_back(fmt::format("{}={}", name, value));
  }
  // An interactive program's output is read by a person, not parsed.
  if (!cmd.inherit_stdio) env_storage.emplace_back("LC_ALL=C");
  own_process_group = !cmd.inherit_stdio;
  for (auto& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);

  cwd = cmd.cwd;
  if (cmd.user && cmd.user->uid != ::geteuid()) {
    switch_user = true;
    uid = cmd.user->uid;
    gid = cmd.user->gid;
    // What initgroups would do, but resolved here: getgrouplist reads
    // /etc/group and allocates, which the child must not.
    int count = 32;
    groups.resize(count);
    while (::getgrouplist(cmd.user->name.c_str(), gid, groups.data(), &count) < 0) {
      groups.resize(count + 32);
      count = static_cast<int>(groups.size());
    }
    groups.resize(count);
    // Without an explicit directory, "/" rather than a cwd (such as /root)
    // that the user may not be allowed to enter.
    if (cwd.empty()) cwd.push_back('/');  // not = "/": GCC 12 -Wrestrict false positive
  }
  long open_max = ::sysconf(_SC_OPEN_MAX);
  max_fd = open_max > 0 && open_max < 65536 ? static_cast<int>(open_max) : 65536;
  return Status::Ok();
}

namespace {

struct Launch {
  const ChildPlan* plan;
  ChildFds fds;
  bool new_session;
};

// The child, on its own stack in velo's memory. It writes nothing of that
// memory but its stack (and errno, the waiting thread's), and calls the
// kernel directly where glibc would touch other threads (set*id signals
// every thread of the process it believes it is in).
int child_main(void* arg) {
  const Launch& launch = *static_cast<const Launch*>(arg);
  const ChildPlan& plan = *launch.plan;
  int report_fd = launch.fds.report_fd;
  // Handlers first (this child has its own table), then the mask the
  // parent blocked everything with: no velo handler runs in here.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) (void)::sigaction(sig, &fallback, nullptr);
  // Signals ignored or blocked in velo would stay so across exec.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (launch.new_session) {
    // A new session is also a new process group: a Ctrl-C aimed at velo
    // does not reach a server. A fresh child is no group leader, so this
    // cannot fail.
    (void)::setsid();
  } else if (plan.own_process_group) {
    // Its own process group: a terminal's Ctrl-C goes to velo, which
    // decides (util/interrupt.h); an undo's `zfs destroy` must not die of it.
    (void)::setpgid(0, 0);
  }

  report_fd = lift(report_fd);
  int stdin_fd = lift(launch.fds.stdin_fd);
  int stdout_fd = lift(launch.fds.stdout_fd);
  int stderr_fd = lift(launch.fds.stderr_fd);
  if (report_fd < 0 || stdin_fd < 0 || stdout_fd < 0 || stderr_fd < 0) fail(report_fd, kStdio);
  if (!install(stdin_fd, 0) || !install(stdout_fd, 1) || !install(stderr_fd, 2)) {
    fail(report_fd, kStdio);
  }
  // Descriptors velo opened without O_CLOEXEC (a library's, say) must not
  // leak into a server that lives for days.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < plan.max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }

  if (plan.switch_user) {
    // Groups first, then gid, then uid: after setuid we could not change them.
    if (::syscall(SYS_setgroups, plan.groups.size(), plan.groups.data()) != 0) {
      fail(report_fd, kSetgroups);
    }
    if (::syscall(SYS_setgid, plan.gid) != 0) fail(report_fd, kSetgid);
    if (::syscall(SYS_setuid, plan.uid) != 0) fail(report_fd, kSetuid);
  }
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) fail(report_fd, kChdir);
  ::execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
  fail(report_fd, kExec);
}

// execvpe builds each candidate path on its stack.
constexpr size_t kChildStack = size_t{256} * 1024;

}  // namespace

Result<pid_t> launch_child(const ChildPlan& plan, ChildFds fds, bool new_session) {
  void* stack = ::mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return os_error(errno, "mmap a stack for a child");
  Launch launch{&plan, fds, new_session};
  // Blocked until the child has reset its handlers: a signal in between
  // would run one of velo's handlers on velo's memory from the child.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  // CLONE_VFORK: this thread waits until the child has exec'd or exited,
  // so the stack is free again when clone returns.
  pid_t pid = ::clone(child_main, static_cast<char*>(stack) + kChildStack,
                      CLONE_VM | CLONE_VFORK | SIGCHLD, &launch);
  int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
#if defined(__SANITIZE_ADDRESS__)
  // The child's frames poisoned their redzones in the shadow memory it
  // shared with this process; a later mapping at these addresses (SQLite's
  // WAL index, say) would inherit them as false stack-buffer errors.
  ASAN_UNPOISON_MEMORY_REGION(stack, kChildStack);
#endif
  ::munmap(stack, kChildStack);
  if (pid < 0) return os_error(clone_errno, "clone");
  return pid;
}

Result<int> wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return os_error(errno, "waitpid");
  }
  return status;
}

Status await_exec(const ChildPlan& plan, UniqueFd report_read, pid_t pid) {
  Report report{};
  size_t got = 0;
  while (got < sizeof report) {
    ssize_t n =
        ::read(report_read.get(), reinterpret_cast<char*>(&report) + got, sizeof report - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == 0) return Status::Ok();  // exec succeeded: the pipe closed
  auto waited = wait_for(pid);
  (void)waited;  // the child exits 127 at once; its status adds nothing
  Error error = os_error(
      report.err, fmt::format("cannot start {}: {}", plan.argv[0], stage_name(report.stage)));
  if (report.stage == kExec && report.err == ENOENT) error.kind = ErrorKind::Unavailable;
  return error;
}

}  // namespace velo::exec_internal
