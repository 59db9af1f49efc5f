// Branches taken while pgbench writes to their parent, on every storage
// driver: each starts, passes pg_amcheck, and keeps pgbench's invariant
// (the sums of account, teller and branch balances, and of the history's
// deltas, are equal), because every pgbench transaction is either wholly in
// the branch or not at all.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class CliLoadTest : public CliTest {
 protected:
  void TearDown() override {
    if (pgbench_ > 0) {
      // Only when the test bailed out early: stop the client we started.
      ::kill(pgbench_, SIGINT);
      int status = 0;
      ::waitpid(pgbench_, &status, 0);
      pgbench_ = -1;
    }
    CliTest::TearDown();
  }

  bool pgbench_running() {
    if (pgbench_ <= 0) return false;
    int status = 0;
    pid_t done = ::waitpid(pgbench_, &status, WNOHANG);
    if (done == 0) return true;
    pgbench_status_ = status;
    pgbench_ = -1;
    return false;
  }

  void expect_consistent(const std::string& branch) {
    SCOPED_TRACE(branch);
    auto rows = sql(branch,
                    "SELECT (SELECT sum(abalance) FROM pgbench_accounts),"
                    "       (SELECT sum(tbalance) FROM pgbench_tellers),"
                    "       (SELECT sum(bbalance) FROM pgbench_branches),"
                    "       (SELECT coalesce(sum(delta), 0) FROM pgbench_history),"
                    "       (SELECT count(*) FROM pgbench_accounts),"
                    "       (SELECT count(*) FROM pgbench_history)");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 1u);
    const pg::Row& r = (*rows)[0];
    EXPECT_EQ(r[0], r[1]) << "accounts vs tellers";
    EXPECT_EQ(r[0], r[2]) << "accounts vs branches";
    EXPECT_EQ(r[0], r[3]) << "accounts vs history";
    EXPECT_EQ(r[4], "100000") << "scale 1 has 100000 accounts";
    history_[branch] = r[5];

    auto amcheck =
        run_client(branch, "pg_amcheck",
                   {"--all", "--install-missing", "--heapallindexed", "--no-strict-names"});
    ASSERT_TRUE(amcheck.ok()) << amcheck.error().message;
    EXPECT_EQ(amcheck->exit_code, 0) << "pg_amcheck: " << amcheck->out << amcheck->err;
  }

  pid_t pgbench_ = -1;
  int pgbench_status_ = -1;
  std::map<std::string, std::string> history_;
};

TEST_P(CliLoadTest, BranchesTakenUnderPgbenchAreConsistent) {
  create_project("demo");
  auto init = run_client("demo/main", "pgbench", {"-i", "-s", "1", "-q", "postgres"});
  ASSERT_TRUE(init.ok()) << init.error().message;
  ASSERT_EQ(init->exit_code, 0) << init->err;

  const std::string log = pool().dir() + "/pgbench.log";
  // -T bounds the run; the test stops it once the branches are taken.
  auto spawned = spawn_client("demo/main", "pgbench",
                              {"-c", "2", "-j", "2", "-T", "120", "-n", "postgres"}, log);
  ASSERT_TRUE(spawned.ok()) << spawned.error().message;
  pgbench_ = *spawned;
  auto history = [&](const std::string& branch) -> long long {
    auto rows = sql(branch, "SELECT count(*) FROM pgbench_history");
    return rows.ok() && rows->size() == 1 ? std::stoll((*rows)[0][0]) : -1;
  };
  // Waits until main has committed more than `count` pgbench transactions.
  auto wait_for_main_beyond = [&](long long count) {
    for (int i = 0; i < 600 && pgbench_running(); ++i) {
      if (history("demo/main") > count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  ASSERT_TRUE(wait_for_main_beyond(0)) << "pgbench never committed: " << tail_file(log, 20);

  // Each branch is taken while pgbench writes, and pgbench commits more on
  // main before the next one: the branches are three different moments.
  for (const char* name : {"demo/b1", "demo/b2", "demo/b3"}) {
    ASSERT_TRUE(pgbench_running()) << "pgbench ended early: " << tail_file(log, 20);
    create_branch(name);
    ASSERT_TRUE(wait_for_main_beyond(history(name))) << tail_file(log, 20);
  }
  ASSERT_TRUE(pgbench_running()) << "pgbench ended early: " << tail_file(log, 20);
  EXPECT_EQ(read_file(log).ok() ? read_file(log)->find("aborted") : std::string::npos,
            std::string::npos)
      << "a pgbench client failed: " << tail_file(log, 20);
  // Stop it, and reap it: it dies of the signal, its open transactions roll
  // back on the server.
  ASSERT_EQ(::kill(pgbench_, SIGINT), 0);
  while (pgbench_running()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(WIFSIGNALED(pgbench_status_) ||
              (WIFEXITED(pgbench_status_) && WEXITSTATUS(pgbench_status_) == 0))
      << "pgbench status " << pgbench_status_ << ": " << tail_file(log, 20);

  for (const char* name : {"demo/b1", "demo/b2", "demo/b3"}) {
    EXPECT_EQ(show(name)["status"], "running") << name;
    expect_consistent(name);
  }
  expect_consistent("demo/main");
  auto count = [&](const std::string& b) {
    return std::stoll(history_[b].empty() ? "-1" : history_[b]);
  };
  EXPECT_LT(count("demo/b1"), count("demo/b2")) << testing::PrintToString(history_);
  EXPECT_LT(count("demo/b2"), count("demo/b3")) << testing::PrintToString(history_);
  EXPECT_LT(count("demo/b3"), count("demo/main")) << testing::PrintToString(history_);
  EXPECT_GT(count("demo/b1"), 0) << testing::PrintToString(history_);

  // A branch of a branch of the loaded main is just as sound, and a reset
  // under no load brings the latest state.
  create_branch("demo/b1child", "demo/b1");
  expect_consistent("demo/b1child");
  EXPECT_EQ(history_["demo/b1child"], history_["demo/b1"]);
  ok({"branch", "reset", "demo/b2"});
  expect_consistent("demo/b2");
  EXPECT_EQ(history_["demo/b2"], history_["demo/main"]);
}

VELO_CLI_INSTANTIATE(CliLoadTest);
VELO_CLI_INSTANTIATE_ON_DOCKER(CliLoadTest);

}  // namespace
}  // namespace velo::e2e
