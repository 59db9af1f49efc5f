// A runtime that "starts" servers without processes: start writes a
// postmaster.pid whose status line says "ready" (core's readiness check
// reads it) and the cluster counts as Running until stop. It records every
// call, and fails on demand: one call of an operation (fail_next), or
// every start (start_fails, for the paths that must cope with a server
// that never starts). Pair it with FakePg, which answers the pings.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace velo::testing {

class FakeRuntime : public runtime::Runtime {
 public:
  std::string name() const override { return "native"; }
  Status init_cluster(const runtime::ClusterSpec& spec, const std::string& superuser,
                      const std::string& password) override;
  Status adopt_data_dir(const runtime::ClusterSpec& spec) override;
  pg::Settings server_settings(const runtime::ClusterSpec& spec) override {
    return {{"port", std::to_string(spec.port)}};
  }
  bool serves_host_socket() const override { return host_socket; }
  std::string connect_host(const runtime::ClusterSpec&) override { return "127.0.0.1"; }
  Status start(const runtime::ClusterSpec& spec) override;
  // Fails like a server that exited, unless the cluster runs.
  Status check_alive(const runtime::ClusterSpec& spec) override;
  Status stop(const runtime::ClusterSpec& spec) override;
  Status stop_immediately(const runtime::ClusterSpec& spec) override;
  // Missing without a data directory, else Running between start and stop.
  Result<runtime::ClusterState> state(const runtime::ClusterSpec& spec) override;
  Status remove(const runtime::ClusterSpec& spec) override;
  std::string log_tail(const runtime::ClusterSpec&, int) override { return log; }
  Status check(const std::string&, const std::string& = "") override;

  // A call of `operation` ("init", "adopt", "start", "check_alive",
  // "stop", "state", "remove", "check") fails with Io: the next one, or
  // the one after `after` more that succeed.
  void fail_next(const std::string& operation, int after = 0) { failures_[operation] = after; }
  // "project/branch@volume" of every running cluster, sorted.
  std::vector<std::string> running() const;
  bool is_running(const std::string& data_dir) const { return running_.count(data_dir) > 0; }
  // Calls whose text starts with `prefix` ("start dev", "stop ").
  int count(const std::string& prefix) const;

  // Every start fails, as a server that cannot start: "the fake runtime
  // starts no server".
  bool start_fails = false;
  // What start writes as postmaster.pid's status line.
  std::string start_status = "ready";
  // The replay of a point-in-time recovery: a started server removes
  // recovery.signal (as postgres does once it reaches its target) after
  // this many check_alive calls; 0: at start.
  int replay_checks = 0;
  // serves_host_socket(): whether projects made on it get the admin socket.
  bool host_socket = false;
  // What log_tail returns.
  std::string log;
  // "init main", "adopt dev", "start dev", "stop dev", "remove dev", in order.
  std::vector<std::string> calls;

 private:
  Status maybe_fail(const std::string& operation, const runtime::ClusterSpec& spec);
  bool fails(const std::string& operation);
  // Counts down replay_checks; at 0, the server is done with recovery.signal.
  void end_replay(const std::string& data_dir);
  std::map<std::string, int> failures_;         // operation -> calls to let pass first
  std::map<std::string, std::string> running_;  // data_dir -> project/branch@volume
  std::map<std::string, int> replaying_;        // data_dir -> check_alive calls left
};

}  // namespace velo::testing
