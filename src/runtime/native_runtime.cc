#include "runtime/native_runtime.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "runtime/postmaster.h"
#include "runtime/velo_link.h"
#include "util/fs.h"
#include "util/os_error.h"

namespace velo::runtime {
namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// initdb reads the superuser's password from a file; argv would show it
// to every user of the machine. The file lives only while initdb runs.
class PasswordFile {
 public:
  ~PasswordFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Status create(const std::string& password, const OsUser& owner) {
    char path[] = "/tmp/velo-pwfile-XXXXXX";
    // mkstemp: a fresh 0600 file that nobody else can have opened; written
    // through this descriptor, never reopened by name in a shared /tmp.
    int fd = ::mkstemp(path);
    if (fd < 0) return os_error(errno, "create a temporary password file");
    path_ = path;
    std::string content = password + "\n";
    bool ok = ::fchown(fd, owner.uid, owner.gid) == 0 &&
              ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    int err = errno;
    ::close(fd);
    if (!ok) return os_error(err, "write " + path_);
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The server's user must be able to traverse every directory above its
// data directory. Checked here because postgres's own message ("could not
// open file postgresql.conf: Permission denied") hides which one is wrong.
// Approximate: supplementary groups are not considered.
Status check_reachable(const std::string& data_dir, const OsUser& user) {
  if (user.uid == 0) return Status::Ok();
  for (std::string dir = parent_of(data_dir);; dir = parent_of(dir)) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return os_error(errno, "stat " + dir);
    mode_t bit = st.st_uid == user.uid ? S_IXUSR : st.st_gid == user.gid ? S_IXGRP : S_IXOTH;
    if ((st.st_mode & bit) == 0) {
      return make_error(ErrorKind::Unavailable,
                        "OS user {} cannot enter {} (mode {:o}), so it cannot reach {}: "
                        "allow it to traverse that directory (chmod o+x) or use another path",
                        user.name, dir, st.st_mode & 07777, data_dir);
    }
    if (dir == "/" || dir == ".") return Status::Ok();
  }
}

// archive_command and restore_command go through the server's /bin/sh:
// single quotes keep paths with spaces or metacharacters one word.
std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A wildcard or a list cannot be connected to; the loopback of the same
// family can.
bool is_wildcard(const std::string& address) {
  return address.empty() || address == "*" || address == "0.0.0.0" ||
         address.find(',') != std::string::npos;
}

}  // namespace

NativeRuntime::NativeRuntime(ProcessRunner& runner, OsUser server_user,
                             std::string bin_dir_override, Clock& clock, std::string velo_link)
    : runner_(runner),
      clock_(clock),
      server_user_(std::move(server_user)),
      bin_dir_override_(std::move(bin_dir_override)),
      velo_link_(std::move(velo_link)) {}

std::string NativeRuntime::bin_dir(const std::string& pg_version) const {
  if (!bin_dir_override_.empty()) return bin_dir_override_;
  return "/usr/lib/postgresql/" + pg_version + "/bin";
}

Command NativeRuntime::as_server_user(std::vector<std::string> argv) const {
  Command command{std::move(argv)};
  if (server_user_.uid != ::geteuid()) command.user = server_user_;
  return command;
}

std::string NativeRuntime::log_path(const ClusterSpec& spec) const {
  if (!spec.log_path.empty()) return spec.log_path;
  return parent_of(spec.data_dir) + "/postgres.log";
}

Status NativeRuntime::init_cluster(const ClusterSpec& spec, const std::string& superuser,
                                   const std::string& password) {
  VELO_TRY(check(spec.pg_version));
  const std::string& data_dir = spec.data_dir;
  // initdb refuses a non-empty directory itself; an empty one it adopts,
  // which lets us create it with the right owner and mode first.
  VELO_TRY(make_dirs(parent_of(data_dir), 0755));
  if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return os_error(errno, "mkdir " + data_dir);
  }
  if (::chown(data_dir.c_str(), server_user_.uid, server_user_.gid) != 0) {
    return os_error(errno, "chown " + data_dir);
  }
  if (::chmod(data_dir.c_str(), 0700) != 0) return os_error(errno, "chmod " + data_dir);
  VELO_TRY(check_reachable(data_dir, server_user_));

  PasswordFile pwfile;
  VELO_TRY(pwfile.create(password, server_user_));
  Command initdb =
      as_server_user({bin_dir(spec.pg_version) + "/initdb", "-D", data_dir, "-U", superuser,
                      "--pwfile=" + pwfile.path(), "--auth-host=scram-sha-256", "--auth-local=peer",
                      "-E", "UTF8", "--locale=C.UTF-8", "--data-checksums", "--no-instructions"});
  auto result = run_checked(runner_, initdb);
  if (!result.ok()) return result.error();
  return Status::Ok();
}

Status NativeRuntime::adopt_data_dir(const ClusterSpec& spec) {
  VELO_TRY(chown_data_dir(spec.data_dir, server_user_.uid, server_user_.gid));
  // postgres refuses to start on a data directory others can read.
  if (::chmod(spec.data_dir.c_str(), 0700) != 0) return os_error(errno, "chmod " + spec.data_dir);
  // The archive is written by the server alone.
  if (!spec.archive_dir.empty()) {
    VELO_TRY(chown_tree(spec.archive_dir, server_user_.uid, server_user_.gid));
    VELO_TRY(check_reachable(spec.archive_dir + "/x", server_user_));
  }
  return check_reachable(spec.data_dir, server_user_);
}

pg::Settings NativeRuntime::server_settings(const ClusterSpec& spec) {
  pg::Settings settings = {
      {"port", std::to_string(spec.port)},
      {"listen_addresses", spec.listen_address.empty() ? "127.0.0.1" : spec.listen_address},
      // TCP only: no socket file whose path length, directory and
      // permissions would need managing per branch.
      {"unix_socket_directories", ""},
      // Recycling and zero-filling WAL segments only cost space and time
      // on copy-on-write filesystems.
      {"wal_recycle", "off"},
      {"wal_init_zero", "off"},
      {"cluster_name", spec.project + "/" + spec.branch},
  };
  // Archiving runs velo's own command, which copies durably and never
  // overwrites a different file (core/wal_copy.h), by the link start()
  // keeps pointing at this binary (runtime/velo_link.h); core adds
  // archive_timeout.
  if (!spec.archive_dir.empty()) {
    const std::string velo = shell_quote(velo_link_.empty() ? self_executable() : velo_link_);
    settings.emplace_back("archive_mode", "on");
    settings.emplace_back("archive_command",
                          velo + " wal-archive %p " + shell_quote(spec.archive_dir) + " %f");
  }
  // Restoring needs neither: a copy into pg_wal that recovery reads once.
  // cp starts in a tenth of velo's time (libpq, OpenSSL, curl), and replay waits
  // for one start per 16 MiB segment; --reflink=auto clones where the
  // filesystem can, which coreutils before 9.0 does not by default.
  if (!spec.restore_dir.empty()) {
    settings.emplace_back("restore_command",
                          "cp --reflink=auto " + shell_quote(spec.restore_dir) + "/%f %p");
  }
  return settings;
}

std::string NativeRuntime::connect_host(const ClusterSpec& spec) {
  if (spec.listen_address == "::") return "::1";
  if (is_wildcard(spec.listen_address)) return "127.0.0.1";
  return spec.listen_address;
}

Status NativeRuntime::start(const ClusterSpec& spec) {
  VELO_ASSIGN_OR_RETURN(ClusterState current, state(spec));
  if (current == ClusterState::Running) return Status::Ok();
  if (current == ClusterState::Missing) {
    return make_error(ErrorKind::NotFound, "no PostgreSQL data directory at {}", spec.data_dir);
  }
  if (!velo_link_.empty()) VELO_TRY(refresh_link(velo_link_, self_executable()));
  std::string log = log_path(spec);
  VELO_TRY(make_dirs(parent_of(log), 0700));
  Command postgres = as_server_user({bin_dir(spec.pg_version) + "/postgres", "-D", spec.data_dir});
  VELO_ASSIGN_OR_RETURN(pid_t pid, spawn_detached(postgres, log));
  children_[spec.data_dir] = pid;
  return Status::Ok();
}

int NativeRuntime::reap(const std::string& data_dir) {
  auto found = children_.find(data_dir);
  if (found == children_.end()) return -1;
  // A copy: erase() below frees the entry `found` points into.
  const pid_t pid = found->second;
  int status = 0;
  pid_t waited = ::waitpid(pid, &status, WNOHANG);
  if (waited == 0) return -1;  // still running
  children_.erase(found);
  // ECHILD: someone else reaped it; the exit status is unknown.
  return waited == pid ? status : 0;
}

Status NativeRuntime::check_alive(const ClusterSpec& spec) {
  bool ours = children_.count(spec.data_dir) > 0;
  int status = reap(spec.data_dir);
  if (ours && status < 0) return Status::Ok();
  if (!ours) {
    VELO_ASSIGN_OR_RETURN(ClusterState current, state(spec));
    if (current == ClusterState::Running) return Status::Ok();
  }
  std::string how = !ours                 ? "is not running"
                    : WIFSIGNALED(status) ? fmt::format("was killed by signal {}", WTERMSIG(status))
                                          : fmt::format("exited with code {}", WEXITSTATUS(status));
  return make_error(ErrorKind::Io, "postgres for {}/{} {}; last log lines:\n{}", spec.project,
                    spec.branch, how, log_tail(spec, 10));
}

bool NativeRuntime::wait_for_exit(const std::string& data_dir, pid_t pid, int timeout_ms) {
  auto deadline = clock_.monotonic() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    // Our own child stays a zombie, alive to kill(0), until reaped.
    // The process, not its pid file: postgres removes the file just before
    // it exits. The cwd check keeps a reused pid from holding us up.
    if (reap(data_dir) >= 0 || !is_live_postgres(pid) || !process_runs_in(pid, data_dir)) {
      return true;
    }
    if (clock_.monotonic() >= deadline) return false;
    clock_.sleep_for(std::chrono::milliseconds(5));
  }
}

Status NativeRuntime::stop(const ClusterSpec& spec) {
  reap(spec.data_dir);
  // Only the postmaster of this data directory: a clone not yet prepared
  // holds its parent's postmaster.pid.
  std::optional<pid_t> pid = live_postmaster_of(spec.data_dir);
  if (!pid) return stop_own_starting_server(spec);
  // SIGINT is a fast shutdown: sessions are ended, a checkpoint is written.
  if (::kill(*pid, SIGINT) != 0 && errno != ESRCH) {
    return os_error(errno, fmt::format("signal postgres (pid {})", *pid));
  }
  if (wait_for_exit(spec.data_dir, *pid, 60000)) return Status::Ok();
  // Then an immediate shutdown: the next start runs crash recovery.
  return stop_immediately(spec);
}

Status NativeRuntime::stop_immediately(const ClusterSpec& spec) {
  reap(spec.data_dir);
  std::optional<pid_t> pid = live_postmaster_of(spec.data_dir);
  if (!pid) return stop_own_starting_server(spec);
  // SIGQUIT: children exit at once, no checkpoint is written.
  if (::kill(*pid, SIGQUIT) != 0 && errno != ESRCH) {
    return os_error(errno, fmt::format("signal postgres (pid {})", *pid));
  }
  if (wait_for_exit(spec.data_dir, *pid, 10000)) return Status::Ok();
  return make_error(ErrorKind::Timeout, "postgres for {}/{} (pid {}) did not stop", spec.project,
                    spec.branch, *pid);
}

// The server this velo spawned for `spec` before it wrote its
// postmaster.pid (velo interrupted while the server starts): velo started
// it for this data directory, so its pid is known without the file, and it
// is waited for by reaping. Without this, an undo found no server, the
// clone under it could not be removed, and the server ran on, orphaned.
Status NativeRuntime::stop_own_starting_server(const ClusterSpec& spec) {
  auto child = children_.find(spec.data_dir);
  if (child == children_.end()) return Status::Ok();
  const pid_t pid = child->second;
  ::kill(pid, SIGINT);  // before its handlers exist, the default action ends it too
  for (int waited_ms = 0; waited_ms < 60000; waited_ms += 20) {
    if (reap(spec.data_dir) >= 0) return Status::Ok();
    clock_.sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  children_.erase(spec.data_dir);
  return Status::Ok();
}

Result<ClusterState> NativeRuntime::state(const ClusterSpec& spec) {
  reap(spec.data_dir);
  if (!path_exists(spec.data_dir + "/PG_VERSION")) return ClusterState::Missing;
  return live_postmaster_of(spec.data_dir) ? ClusterState::Running : ClusterState::Stopped;
}

Status NativeRuntime::remove(const ClusterSpec&) { return Status::Ok(); }

std::string NativeRuntime::log_tail(const ClusterSpec& spec, int lines) {
  return tail_file(log_path(spec), lines);
}

Status NativeRuntime::check(const std::string& pg_version, const std::string&) {
  if (pg_version.empty()) return make_error(ErrorKind::Invalid, "no PostgreSQL version given");
  std::string dir = bin_dir(pg_version);
  for (const char* program : {"postgres", "initdb"}) {
    std::string path = dir + "/" + program;
    if (::access(path.c_str(), X_OK) != 0) {
      return make_error(ErrorKind::Unavailable,
                        "PostgreSQL {} is not installed: {} is missing (apt-get install "
                        "postgresql-{})",
                        pg_version, path, pg_version);
    }
  }
  auto user = lookup_user(server_user_.name);
  if (!user.ok()) {
    return make_error(ErrorKind::Unavailable, "the server's OS user {} does not exist",
                      server_user_.name);
  }
  if (server_user_.uid != ::geteuid() && ::geteuid() != 0) {
    return make_error(ErrorKind::Unavailable, "running servers as OS user {} needs root",
                      server_user_.name);
  }
  if (server_user_.uid == 0) {
    return make_error(ErrorKind::Invalid,
                      "postgres refuses to run as root: choose another OS user");
  }
  return Status::Ok();
}

}  // namespace velo::runtime
