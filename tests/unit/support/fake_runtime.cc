#include "support/fake_runtime.h"

#include <algorithm>

#include "util/fs.h"

namespace velo::testing {

bool FakeRuntime::fails(const std::string& operation) {
  auto found = failures_.find(operation);
  if (found == failures_.end()) return false;
  if (found->second-- > 0) return false;
  failures_.erase(found);
  return true;
}

Status FakeRuntime::maybe_fail(const std::string& operation, const runtime::ClusterSpec& spec) {
  calls.push_back(operation + " " + spec.branch);
  if (fails(operation)) {
    return make_error(ErrorKind::Io, "injected failure in {} of {}", operation, spec.branch);
  }
  return Status::Ok();
}

Status FakeRuntime::init_cluster(const runtime::ClusterSpec& spec, const std::string&,
                                 const std::string&) {
  VELO_TRY(maybe_fail("init", spec));
  return write_file_atomic(spec.data_dir + "/PG_VERSION", spec.pg_version + "\n", 0600);
}

Status FakeRuntime::adopt_data_dir(const runtime::ClusterSpec& spec) {
  return maybe_fail("adopt", spec);
}

Status FakeRuntime::start(const runtime::ClusterSpec& spec) {
  VELO_TRY(maybe_fail("start", spec));
  if (start_fails) return make_error(ErrorKind::Io, "the fake runtime starts no server");
  if (!path_exists(spec.data_dir)) {
    return make_error(ErrorKind::Io, "no data directory {}", spec.data_dir);
  }
  // postmaster.pid as postgres writes it: pid, data directory, start
  // time, port, socket directory, listen address, shared memory key, status.
  std::string pid = "4242\n" + spec.data_dir + "\n1795000000\n" + std::to_string(spec.port) +
                    "\n\n" + spec.listen_address + "\n  1234567     98304\n" + start_status + "\n";
  VELO_TRY(write_file_atomic(spec.data_dir + "/postmaster.pid", pid, 0600));
  // VOLUME_PATH/data: which incarnation runs matters after a reset.
  std::string volume = spec.data_dir.substr(0, spec.data_dir.find_last_of('/'));
  volume = volume.substr(volume.find_last_of('/') + 1);
  running_[spec.data_dir] = spec.project + "/" + spec.branch + "@" + volume;
  replaying_[spec.data_dir] = replay_checks;
  end_replay(spec.data_dir);
  return Status::Ok();
}

Status FakeRuntime::check_alive(const runtime::ClusterSpec& spec) {
  if (fails("check_alive") || !is_running(spec.data_dir)) {
    return make_error(ErrorKind::Io, "postgres for {}/{} exited; last log lines:\n{}", spec.project,
                      spec.branch, log);
  }
  end_replay(spec.data_dir);
  return Status::Ok();
}

void FakeRuntime::end_replay(const std::string& data_dir) {
  auto left = replaying_.find(data_dir);
  if (left == replaying_.end()) return;
  if (left->second-- > 0) return;
  (void)remove_tree(data_dir + "/recovery.signal");
  replaying_.erase(left);
}

Status FakeRuntime::stop(const runtime::ClusterSpec& spec) {
  VELO_TRY(maybe_fail("stop", spec));
  if (running_.erase(spec.data_dir) > 0) (void)remove_tree(spec.data_dir + "/postmaster.pid");
  return Status::Ok();
}

Status FakeRuntime::stop_immediately(const runtime::ClusterSpec& spec) {
  VELO_TRY(maybe_fail("stop-immediately", spec));
  if (running_.erase(spec.data_dir) > 0) (void)remove_tree(spec.data_dir + "/postmaster.pid");
  return Status::Ok();
}

Result<runtime::ClusterState> FakeRuntime::state(const runtime::ClusterSpec& spec) {
  if (fails("state")) {
    return make_error(ErrorKind::Unavailable, "injected failure in state of {}", spec.branch);
  }
  if (!path_exists(spec.data_dir)) return runtime::ClusterState::Missing;
  return is_running(spec.data_dir) ? runtime::ClusterState::Running
                                   : runtime::ClusterState::Stopped;
}

Status FakeRuntime::remove(const runtime::ClusterSpec& spec) { return maybe_fail("remove", spec); }

Status FakeRuntime::check(const std::string& pg_version, const std::string&) {
  runtime::ClusterSpec spec;
  spec.branch = pg_version;
  return maybe_fail("check", spec);
}

std::vector<std::string> FakeRuntime::running() const {
  std::vector<std::string> out;
  for (const auto& [data_dir, name] : running_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

int FakeRuntime::count(const std::string& prefix) const {
  int n = 0;
  for (const auto& call : calls) n += call.starts_with(prefix) ? 1 : 0;
  return n;
}

}  // namespace velo::testing
