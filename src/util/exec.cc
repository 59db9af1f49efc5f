// RealProcessRunner::run, describe() and run_checked(). The mechanics of
// starting a child, shared with spawn_detached, live in exec_child.cc.
#include "util/exec.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>

#include "util/exec_child.h"
#include "util/interrupt.h"
#include "util/os_error.h"

namespace velo {
namespace {

const char kRedacted[] = "***";

bool iequals_at(const std::string& text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
  }
  return true;
}

// scheme://user:SECRET@host -> scheme://user:***@host
std::string redact_urls(std::string text) {
  size_t from = 0;
  while ((from = text.find("://", from)) != std::string::npos) {
    size_t authority = from + 3;
    size_t end = text.find_first_of("/?# \t", authority);
    if (end == std::string::npos) end = text.size();
    size_t at = text.rfind('@', end);
    if (at != std::string::npos && at >= authority) {
      size_t colon = text.find(':', authority);
      if (colon != std::string::npos && colon < at) {
        text.replace(colon + 1, at - colon - 1, kRedacted);
        end = colon + 1 + sizeof kRedacted - 1;
      }
    }
    from = end;
  }
  return text;
}

// password=SECRET (any case, also inside a conninfo string or as
// PGPASSWORD=...) -> password=***; a quoted value is redacted up to its
// closing quote.
std::string redact_assignments(std::string text) {
  static constexpr std::string_view kKey = "password=";
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (!iequals_at(text, pos, kKey)) continue;
    size_t start = pos + kKey.size();
    size_t end = start;
    if (end < text.size() && text[end] == '\'') {
      end = text.find('\'', end + 1);
      end = end == std::string::npos ? text.size() : end + 1;
    } else {
      end = text.find_first_of(" \t", start);
      if (end == std::string::npos) end = text.size();
    }
    text.replace(start, end - start, kRedacted);
    pos = start + sizeof kRedacted - 2;
  }
  return text;
}

std::string quote_for_log(const std::string& arg) {
  bool plain = !arg.empty() && std::none_of(arg.begin(), arg.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '"';
  });
  return plain ? arg : "'" + arg + "'";
}

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end - start + 1);
}

// Writing into a pipe whose reader has exited raises SIGPIPE, which would
// kill velo. Block it on this thread while a child runs, and swallow one
// that arrived meanwhile; write() then fails with EPIPE instead.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask_);
  }
  ~SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      timespec zero{};
      while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

// Feeds `input` to the child and drains its stdout and stderr until both
// close. Polling all three avoids the deadlock where the child blocks on a
// full stdout pipe while we block writing its stdin.
Status pump(pid_t pid, bool stop_on_interrupt, UniqueFd& in, UniqueFd& out, UniqueFd& err,
            const std::string& input, ExecResult* result) {
  bool stopped = false;
  size_t written = 0;
  if (in.valid()) {
    ::fcntl(in.get(), F_SETFL, ::fcntl(in.get(), F_GETFL) | O_NONBLOCK);
    if (input.empty()) in.reset();
  }
  char buffer[16384];
  while (out.valid() || err.valid() || in.valid()) {
    pollfd fds[3];
    nfds_t count = 0;
    if (out.valid()) fds[count++] = {out.get(), POLLIN, 0};
    if (err.valid()) fds[count++] = {err.get(), POLLIN, 0};
    if (in.valid()) fds[count++] = {in.get(), POLLOUT, 0};
    // The child has its own process group: a terminal's Ctrl-C reaches
    // velo only, which stops long work (Command::stop_on_interrupt)
    // unless it is undoing something.
    if (stop_on_interrupt && !stopped && interrupt::received() != 0 && !interrupt::cleaning_up()) {
      ::kill(pid, SIGTERM);
      stopped = true;
    }
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      return os_error(errno, "poll");
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (in.valid() && fds[i].fd == in.get()) {
        ssize_t n = ::write(in.get(), input.data() + written, input.size() - written);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) {
          in.reset();  // EPIPE: the child does not want the rest
          continue;
        }
        written += static_cast<size_t>(n);
        if (written == input.size()) in.reset();
        continue;
      }
      UniqueFd& source = fds[i].fd == out.get() ? out : err;
      std::string& sink = fds[i].fd == out.get() ? result->out : result->err;
      ssize_t n = ::read(source.get(), buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        source.reset();
        continue;
      }
      sink.append(buffer, static_cast<size_t>(n));
    }
  }
  return Status::Ok();
}

// Command::inherit_stdio: the child on velo's own descriptors, velo
// deaf to the terminal's SIGINT and SIGQUIT (the child's to act on) until
// it exits.
Result<ExecResult> run_inheriting(const Command& command) {
  if (command.input) {
    return make_error(ErrorKind::Invalid, "a command inheriting stdin takes no input");
  }
  exec_internal::ChildPlan plan;
  VELO_TRY(plan.prepare(command));
  UniqueFd report_read, report_write;
  VELO_TRY(exec_internal::make_pipe(&report_read, &report_write));
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction old_int {
  }, old_quit{};
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  ::fflush(nullptr);  // what velo printed comes before what the child prints
  Result<pid_t> launched = exec_internal::launch_child(plan, {0, 1, 2, report_write.get()}, false);
  Result<int> status = launched.ok() ? Result<int>(0) : Result<int>(launched.error());
  if (launched.ok()) {
    const pid_t pid = *launched;
    report_write.reset();
    Status started = exec_internal::await_exec(plan, std::move(report_read), pid);
    status = started.ok() ? exec_internal::wait_for(pid) : Result<int>(started.error());
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  VELO_ASSIGN_OR_RETURN(int raw, std::move(status));
  ExecResult result;
  result.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  return result;
}

}  // namespace

std::string describe(const Command& command) {
  std::string joined;
  bool hide_next = false;
  for (const auto& arg : command.argv) {
    if (!joined.empty()) joined += ' ';
    if (hide_next) {
      joined += kRedacted;
      hide_next = false;
      continue;
    }
    joined += quote_for_log(redact_assignments(redact_urls(arg)));
    hide_next = arg == "--password" || arg == "--pass";
  }
  return joined;
}

Result<ExecResult> run_checked(ProcessRunner& runner, const Command& command) {
  VELO_ASSIGN_OR_RETURN(ExecResult result, runner.run(command));
  if (result.exit_code == 0) return result;
  std::string line = last_line(result.err);
  if (line.empty()) line = last_line(result.out);
  return make_error(ErrorKind::Io, "{} failed with exit code {}{}{}", describe(command),
                    result.exit_code, line.empty() ? "" : ": ", line);
}

Result<ExecResult> RealProcessRunner::run(const Command& command) {
  if (command.inherit_stdio) return run_inheriting(command);
  exec_internal::ChildPlan plan;
  VELO_TRY(plan.prepare(command));

  UniqueFd in_read, in_write, out_read, out_write, err_read, err_write, report_read, report_write;
  if (command.input) {
    VELO_TRY(exec_internal::make_pipe(&in_read, &in_write));
  } else {
    in_read.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!in_read.valid()) return os_error(errno, "open /dev/null");
  }
  VELO_TRY(exec_internal::make_pipe(&out_read, &out_write));
  VELO_TRY(exec_internal::make_pipe(&err_read, &err_write));
  VELO_TRY(exec_internal::make_pipe(&report_read, &report_write));

  SigpipeGuard sigpipe_guard;
  VELO_ASSIGN_OR_RETURN(
      pid_t pid,
      exec_internal::launch_child(
          plan, {in_read.get(), out_write.get(), err_write.get(), report_write.get()}, false));
  // The parent keeps only its own ends, so that EOF arrives when the child
  // (and anything it spawned) closes them.
  in_read.reset();
  out_write.reset();
  err_write.reset();
  report_write.reset();
  VELO_TRY(exec_internal::await_exec(plan, std::move(report_read), pid));

  ExecResult result;
  Status pumped = pump(pid, command.stop_on_interrupt, in_write, out_read, err_read,
                       command.input.value_or(""), &result);
  // After a failed pump, closing our ends keeps the child from blocking on
  // a full pipe while we wait for it.
  in_write.reset();
  out_read.reset();
  err_read.reset();
  VELO_ASSIGN_OR_RETURN(int status, exec_internal::wait_for(pid));
  VELO_TRY(pumped);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

}  // namespace velo
