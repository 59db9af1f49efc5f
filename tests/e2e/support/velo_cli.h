// The built `velo` binary, driven the way a user drives it: argv vectors
// (never a shell), exit code, stdout, stderr, and --json parsed with
// nlohmann::json. CliTest is the fixture of the tests/e2e/cli_*_test.cc
// suites: per test a fresh pool of one kind (TempPool), a private velo home
// (0700) inside it, a port range of its own, and a teardown that deletes
// every project and then the pool, also when the test failed.
//
// The parameter names the pool kind and, after an underscore, the runtime
// the test's projects use: "btrfs" runs native servers, "btrfs_docker"
// runs every branch in a container of the test engine (DockerEngine),
// and skips, with the reason, where no engine can run.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pg/connection.h"
#include "support/temp_pool.h"
#include "util/exec.h"
#include "util/result.h"

namespace velo::e2e {

struct CliResult {
  std::vector<std::string> args;
  int exit_code = -1;
  std::string out;
  std::string err;

  // stdout parsed as JSON; a null value (and a test failure) when it is not.
  nlohmann::json json() const;
  // stderr split into lines, without their newlines.
  std::vector<std::string> err_lines() const;
  // For failure messages: the command, its exit code and its output.
  std::string describe() const;
};

// Asserts that `r` is velo's answer to bad input: exit 2 and exactly one
// stderr line, starting "velo: error: ". Returns a message for gtest, or
// an empty string when it is so.
std::string check_usage_error(const CliResult& r);

// The PostgreSQL client binaries of the version velo runs (pgbench,
// pg_amcheck, psql), from Debian's /usr/lib/postgresql/<v>/bin.
std::string pg_bin(const std::string& program, const std::string& version = "15");

// Removes a test home's data root (from `velo init --json`: the servers'
// velo link and files outside the pool), only one under /var/lib/velo/.
void remove_data_root(const std::string& data_root);

class VeloCli {
 public:
  // Where systemd runs, no test installs a timer for its throwaway home:
  // every velo run sees a systemd that does not run (maintain_timer.h),
  // unless the test sets VELO_SYSTEMD_RUN_DIR itself.
  VeloCli(std::string home) : home_(std::move(home)) {
    set_env("VELO_SYSTEMD_RUN_DIR", "/nonexistent/velo-e2e-no-systemd");
  }
  const std::string& home() const { return home_; }
  // Sets a variable in the environment of every velo run (e.g. DOCKER_HOST).
  void set_env(const std::string& name, const std::string& value) {
    for (auto& [key, old] : env_) {
      if (key == name) {
        old = value;
        return;
      }
    }
    env_.emplace_back(name, value);
  }

  // Runs this velo binary instead of the build's (VELO_BINARY).
  void set_binary(std::string path) { binary_ = std::move(path); }

  // velo --home HOME ARGS...
  CliResult run(const std::vector<std::string>& args);
  // velo --home HOME ARGS..., sent `signal_name` ("INT", "TERM") after
  // `after` (as timeout(1) reads it: "0.2") unless it ended before.
  CliResult run_interrupted(const std::string& signal_name, const std::string& after,
                            const std::vector<std::string>& args);
  // velo --home HOME --json ARGS...
  CliResult run_json(const std::vector<std::string>& args) {
    std::vector<std::string> with_json{"--json"};
    with_json.insert(with_json.end(), args.begin(), args.end());
    return run(with_json);
  }

 private:
  CliResult run_argv(std::vector<std::string> argv, const std::vector<std::string>& args);

  std::string home_;
  std::string binary_ = VELO_BINARY;
  std::vector<std::pair<std::string, std::string>> env_;
  RealProcessRunner runner_;
};

// Connection parameters of a branch, from `velo branch url` (the URL is
// parsed: host, port, user, password, dbname).
Result<pg::ConnParams> parse_postgres_url(const std::string& url);

class CliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The size of the test's pool (a sparse image: only what is written
  // takes disk).
  virtual uint64_t pool_bytes() const { return 1024ull << 20; }

  // Every test gets its own ports: [port_min, port_min + kPorts).
  static constexpr int kPorts = 12;
  int port_min() const { return port_min_; }
  int port_max() const { return port_min_ + kPorts - 1; }

  VeloCli& velo() { return *velo_; }
  TempPool& pool() { return *pool_; }
  // The home's data root, as velo init said (/var/lib/velo/<id>).
  const std::string& data_root() const { return data_root_; }
  // The pool kind and the runtime, from the parameter.
  std::string fs() const { return GetParam().substr(0, GetParam().find('_')); }
  bool on_docker() const { return GetParam().find("_docker") != std::string::npos; }
  // On docker: the test engine's socket and velo's test image.
  const std::string& docker_socket() const { return docker_socket_; }
  const std::string& docker_image() const { return docker_image_; }

  // `velo project create NAME` with the runtime of this test (and the test
  // image on docker); append further options to it.
  std::vector<std::string> project_create_args(const std::string& name) const;
  // Fails the test (ADD_FAILURE) when the command does not exit 0; returns
  // the result either way.
  CliResult ok(const std::vector<std::string>& args);
  // The same with --json, parsed.
  nlohmann::json ok_json(const std::vector<std::string>& args);

  // velo project create NAME; velo branch create NAME [--parent PARENT].
  void create_project(const std::string& name);
  void create_branch(const std::string& name, const std::string& parent = "");
  // velo --json branch show NAME.
  nlohmann::json show(const std::string& name);
  // velo branch list --json (the whole home), for before/after comparisons:
  // without the sizes, which running servers change by themselves.
  nlohmann::json list();
  // Everything a refused or failed command must leave as it was: branches,
  // projects, what the storage holds, and the running servers. Main's
  // snapshots are left out: those a branch delete or reset releases stay
  // while main's retention window keeps them (a snapshot a failed command
  // leaked without a record is an orphan, which doctor reports).
  nlohmann::json observable();
  // `names` (storage_names()) without main's snapshots.
  static std::vector<std::string> without_main_history(const std::vector<std::string>& names);
  // `velo branch url NAME`, printed form.
  std::string url(const std::string& name);
  // The branch's connection parameters, parsed from `velo branch url`.
  pg::ConnParams params(const std::string& name, const std::string& dbname = "postgres");
  // Opens a connection to a branch (ADD_FAILURE and nullopt if it fails).
  std::optional<pg::Connection> connect(const std::string& name,
                                        const std::string& dbname = "postgres");
  // Runs one statement on the branch; the rows, or an Error.
  Result<std::vector<pg::Row>> sql(const std::string& name, const std::string& statement);
  // Runs one statement that must succeed and return exactly one value.
  std::string sql_value(const std::string& name, const std::string& statement);

  // Runs a PostgreSQL client (pgbench, pg_amcheck, ...) against a branch:
  // host, port and user as options, the password through PGPASSWORD.
  Result<ExecResult> run_client(const std::string& branch, const std::string& program,
                                std::vector<std::string> args);
  // The same, started in the background (stdout+stderr into `log`).
  Result<pid_t> spawn_client(const std::string& branch, const std::string& program,
                             std::vector<std::string> args, const std::string& log);

  // The `velo doctor --json` findings whose check starts with "orphan",
  // as "check: detail" strings; "doctor failed" entries on failure.
  std::vector<std::string> orphans();
  // Every dataset and snapshot below the pool's zfs parent (zfs only).
  std::vector<std::string> zfs_names();
  // What the storage itself holds (not velo's state): every volume, and
  // every snapshot as "volume@snapshot", sorted, as the pool's driver lists
  // them.
  std::vector<std::string> storage_names();
  // Every server of this home still running: native postmasters (their
  // postmaster.pid inside the pool, process alive), and on docker the
  // home's running containers.
  std::vector<std::string> live_servers();
  // Kills the branch's server with SIGKILL behind velo's back, as an OOM
  // kill would, and waits until all its processes are gone; the stale
  // postmaster.pid stays.
  void kill_server(const std::string& branch);

  // The branch's data directory: its volume's "data" directory as velo
  // lays it out, found from the storage layout (for tests that break it).
  std::string data_dir(const std::string& name);

 private:
  // The running containers of this home (docker only).
  std::vector<std::string> live_containers();

  std::unique_ptr<TempPool> pool_;
  std::unique_ptr<VeloCli> velo_;
  std::string docker_socket_;  // the test engine's, on docker
  std::string docker_image_;
  int port_min_ = 0;
  std::string data_root_;  // from velo init, removed at teardown
  RealProcessRunner runner_;
};

// Runs a CliTest suite over every pool kind with native servers: zfs,
// btrfs, xfs (reflink), copy. Test names read Cli/<Suite>.<Test>/<pool>.
#define VELO_CLI_INSTANTIATE(Suite)                               \
  INSTANTIATE_TEST_SUITE_P(                                       \
      Cli, Suite, ::testing::ValuesIn(::velo::e2e::pool_kinds()), \
      [](const ::testing::TestParamInfo<std::string>& info) { return info.param; })

// Scenarios whose logic does not depend on the storage driver run on the
// kinds named here only, to keep CI's time in budget; `scripts/test --long`
// (VELO_TEST_LONG=1) runs them on every kind. A "_docker" suffix runs them
// on the docker runtime.
#define VELO_CLI_INSTANTIATE_ON(Suite, ...)                                       \
  INSTANTIATE_TEST_SUITE_P(                                                       \
      Cli, Suite, ::testing::ValuesIn(::velo::e2e::kinds_for_run({__VA_ARGS__})), \
      [](const ::testing::TestParamInfo<std::string>& info) { return info.param; })

// Runs a CliTest suite on the docker runtime (on btrfs: the runtime's
// logic does not depend on the driver). Test names read
// Docker/<Suite>.<Test>/btrfs_docker.
#define VELO_CLI_INSTANTIATE_ON_DOCKER(Suite)                        \
  INSTANTIATE_TEST_SUITE_P(                                          \
      Docker, Suite, ::testing::Values(std::string("btrfs_docker")), \
      [](const ::testing::TestParamInfo<std::string>& info) { return info.param; })

}  // namespace velo::e2e
