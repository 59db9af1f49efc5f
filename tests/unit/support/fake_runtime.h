// A runtime that starts nothing: it records calls and reports every
// cluster as stopped (or missing when its data directory is absent), for
// the core paths that need no server (--no-start, delete, rollback).
#pragma once

#include <string>
#include <vector>

#include "runtime/runtime.h"
#include "util/fs.h"

namespace velo::testing {

class FakeRuntime : public runtime::Runtime {
 public:
  std::string name() const override { return "native"; }
  Status init_cluster(const runtime::ClusterSpec& spec, const std::string&,
                      const std::string&) override {
    calls.push_back("init " + spec.branch);
    return write_file_atomic(spec.data_dir + "/PG_VERSION", "15\n", 0600);
  }
  Status adopt_data_dir(const runtime::ClusterSpec&) override { return Status::Ok(); }
  pg::Settings server_settings(const runtime::ClusterSpec& spec) override {
    return {{"port", std::to_string(spec.port)}};
  }
  std::string connect_host(const runtime::ClusterSpec&) override { return "127.0.0.1"; }
  Status start(const runtime::ClusterSpec& spec) override {
    calls.push_back("start " + spec.branch);
    return make_error(ErrorKind::Io, "the fake runtime starts no server");
  }
  Status check_alive(const runtime::ClusterSpec&) override { return Status::Ok(); }
  Status stop(const runtime::ClusterSpec& spec) override {
    calls.push_back("stop " + spec.branch);
    return Status::Ok();
  }
  Result<runtime::ClusterState> state(const runtime::ClusterSpec& spec) override {
    return path_exists(spec.data_dir) ? runtime::ClusterState::Stopped
                                      : runtime::ClusterState::Missing;
  }
  Status remove(const runtime::ClusterSpec&) override { return Status::Ok(); }
  std::string log_tail(const runtime::ClusterSpec&, int) override { return ""; }
  Status check(const std::string&, const std::string& = "") override { return Status::Ok(); }

  std::vector<std::string> calls;
};

}  // namespace velo::testing
