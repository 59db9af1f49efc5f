// The native runtime: each branch is a postgres process from Debian's
// /usr/lib/postgresql/<version>/bin, run as a non-root OS user, detached
// from velo so that it outlives the command that started it.
//
// Not thread-safe: it remembers the pids of the servers it started (its
// own children), so that check_alive and stop can reap them.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "runtime/runtime.h"
#include "util/clock.h"
#include "util/exec.h"
#include "util/os_user.h"

namespace velo::runtime {

class NativeRuntime : public Runtime {
 public:
  // `server_user` runs initdb and postgres (switching to it needs root
  // unless it is the current user). `bin_dir_override` replaces the
  // per-version Debian directory, for tests and non-Debian layouts.
  // `clock` paces the waits for a server to exit. `velo_link` is the
  // path servers run velo by (runtime/velo_link.h), pointed at this binary
  // on every start; empty: this binary's own path.
  NativeRuntime(ProcessRunner& runner, OsUser server_user, std::string bin_dir_override = "",
                Clock& clock = real_clock(), std::string velo_link = "");

  std::string name() const override { return "native"; }
  Status init_cluster(const ClusterSpec& spec, const std::string& superuser,
                      const std::string& password) override;
  Status adopt_data_dir(const ClusterSpec& spec) override;
  pg::Settings server_settings(const ClusterSpec& spec) override;
  bool serves_host_socket() const override { return true; }
  std::string connect_host(const ClusterSpec& spec) override;
  Status start(const ClusterSpec& spec) override;
  Status check_alive(const ClusterSpec& spec) override;
  Status stop(const ClusterSpec& spec) override;
  Status stop_immediately(const ClusterSpec& spec) override;
  Result<ClusterState> state(const ClusterSpec& spec) override;
  Status remove(const ClusterSpec& spec) override;
  std::string log_tail(const ClusterSpec& spec, int lines) override;
  Status check(const std::string& pg_version, const std::string& image = "") override;

 private:
  std::string bin_dir(const std::string& pg_version) const;
  Command as_server_user(std::vector<std::string> argv) const;
  // The server's log: spec.log_path, else next to the data directory (not
  // inside it, or every clone would inherit its parent's log).
  std::string log_path(const ClusterSpec& spec) const;
  // Reaps our child for `data_dir` if it has exited; returns its wait
  // status then, -1 otherwise.
  int reap(const std::string& data_dir);
  bool wait_for_exit(const std::string& data_dir, pid_t pid, int timeout_ms);
  Status stop_own_starting_server(const ClusterSpec& spec);

  ProcessRunner& runner_;
  Clock& clock_;
  OsUser server_user_;
  std::string bin_dir_override_;
  std::string velo_link_;
  std::map<std::string, pid_t> children_;  // data_dir -> postmaster we spawned
};

}  // namespace velo::runtime
