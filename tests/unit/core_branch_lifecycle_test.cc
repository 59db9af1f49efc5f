// velo branch start | stop | restart | password against fakes: what each
// asks of the runtime and the server, and what a failure leaves.
#include <gtest/gtest.h>

#include <map>

#include "core/branch/branch_ops.h"
#include "core/branch/inspect.h"
#include "core/branch/start_all.h"
#include "core/locks.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class LifecycleTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    seed_project("api");
    core::CreateBranchOptions options;
    options.name = {"api", "dev"};
    auto made = core::create_branch(*ctx_, options);
    ASSERT_TRUE(made.ok()) << made.error().message;
    dev_ = made->branch;
    runtime_.calls.clear();
  }
  void stop_dev() { ASSERT_TRUE(core::stop_branch(*ctx_, {"api", "dev"}).ok()); }
  std::vector<std::string> running_dev() { return {"api/dev@" + dev_.volume}; }

  state::BranchRecord dev_;  // running
};

TEST_F(LifecycleTest, StartPreparesTheDataDirectoryThenWaitsForTheServer) {
  stop_dev();
  const std::string conf = handle("api", "dev").spec.data_dir + "/velo.conf";
  ASSERT_TRUE(remove_tree(conf).ok());
  int pings = pg_.pings();
  runtime_.calls.clear();
  ASSERT_TRUE(core::start_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(runtime_.calls, (std::vector<std::string>{"adopt dev", "start dev"}));
  EXPECT_EQ(runtime_.running(), running_dev());
  EXPECT_TRUE(path_exists(conf));  // settings rewritten at every start
  EXPECT_GT(pg_.pings(), pings);
}

TEST_F(LifecycleTest, StartOfARunningBranchDoesNothing) {
  ASSERT_TRUE(core::start_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_TRUE(runtime_.calls.empty());
}

TEST_F(LifecycleTest, StartWithItsDataGoneIsNotFound) {
  stop_dev();
  ASSERT_TRUE(remove_tree(handle("api", "dev").spec.data_dir).ok());
  Status started = core::start_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(runtime_.count("start"), 0);
}

TEST_F(LifecycleTest, StartThatFailsLeavesTheBranchStopped) {
  stop_dev();
  runtime_.fail_next("start");
  ASSERT_FALSE(core::start_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_TRUE(runtime_.running().empty());
}

TEST_F(LifecycleTest, StartOfAServerThatExitsSaysWhyFromItsLog) {
  stop_dev();
  pg_.ping_default = pg::PingStatus::NoResponse;
  runtime_.fail_next("check_alive");
  runtime_.log = "FATAL:  could not map anonymous shared memory\n";
  Status started = core::start_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("could not map anonymous shared memory"),
            std::string::npos)
      << started.error().message;
}

TEST_F(LifecycleTest, StartPollsUntilTheServerAnswers) {
  stop_dev();
  // Crash recovery: no answer to the first pings.
  pg_.ping_sequence(dev_.port, {pg::PingStatus::NoResponse, pg::PingStatus::NoResponse,
                                pg::PingStatus::Rejecting, pg::PingStatus::Ok});
  int pings = pg_.pings();
  auto slept = clock_.slept();
  ASSERT_TRUE(core::start_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(pg_.pings() - pings, 4);
  // Short polls: a millisecond or two in all, never a fixed long sleep.
  EXPECT_GT(clock_.slept(), slept);
  EXPECT_LT(clock_.slept() - slept, std::chrono::milliseconds(10));
}

// PostgreSQL says "ready" in postmaster.pid once it accepts connections,
// a hot standby's read-only ones included; "standby" is a server in
// recovery without hot_standby, which refuses them: not up, whatever a
// ping says.
TEST_F(LifecycleTest, AStandbyThatRefusesConnectionsIsNotUp) {
  stop_dev();
  runtime_.start_status = "standby";
  auto dev = handle("api", "dev");
  core::ReadyWait wait;
  wait.timeout = std::chrono::seconds(1);
  Status started = core::start_and_wait(*ctx_, dev, wait);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorKind::Timeout) << started.error().message;
}

// A row that says an operation is under way is shown so while a velo
// holds the project's lock, and as interrupted once none does.
TEST_F(LifecycleTest, AnOperationsRowIsInterruptedOnceNoVeloHoldsTheLock) {
  state::BranchRecord row = branch_row("api", "dev");
  row.status = "resetting";
  ASSERT_TRUE(store_->update_branch(row).ok());
  auto dev = handle("api", "dev");
  EXPECT_EQ(core::describe_branch(*ctx_, dev, core::kNoSpace).status, "interrupted");
  auto lock = core::acquire_project_lock(*ctx_, "api");
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(core::describe_branch(*ctx_, dev, core::kNoSpace).status, "resetting");
}

// A server that is up but still replaying its WAL (after a crash, or a
// full disk) is not open yet: "recovering", not "running".
TEST_F(LifecycleTest, AServerInCrashRecoveryIsRecoveringNotRunning) {
  auto dev = handle("api", "dev");
  EXPECT_EQ(core::describe_branch(*ctx_, dev, core::kNoSpace).status, "running");
  const std::string pid_file = dev.spec.data_dir + "/postmaster.pid";
  auto text = read_file(pid_file);
  ASSERT_TRUE(text.ok());
  std::string starting = *text;
  const size_t at = starting.rfind("ready");
  ASSERT_NE(at, std::string::npos) << starting;
  starting.replace(at, 5, "starting");
  ASSERT_TRUE(write_file_atomic(pid_file, starting, 0600).ok());
  EXPECT_EQ(core::describe_branch(*ctx_, dev, core::kNoSpace).status, "recovering");
}

// start --all reports a branch whose data is gone as failed, with what
// a start of it says, and starts the rest.
TEST_F(LifecycleTest, StartAllReportsMissingDataAndStartsTheRest) {
  stop_dev();
  for (const char* name : {"main", "dev"}) {
    state::BranchRecord row = branch_row("api", name);
    row.stopped_by_user = false;  // it crashed, as far as velo knows
    ASSERT_TRUE(store_->update_branch(row).ok());
  }
  ASSERT_TRUE(remove_tree(handle("api", "dev").spec.data_dir).ok());
  auto outcomes = core::start_all(*ctx_, std::string("api"));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  std::map<std::string, std::string> results;
  for (const auto& o : *outcomes) {
    results[o.branch.full()] = o.result;
    if (o.branch.branch == "dev") {
      EXPECT_NE(o.reason.find("is missing"), std::string::npos) << o.reason;
    }
  }
  EXPECT_EQ(results,
            (std::map<std::string, std::string>{{"api/main", "started"}, {"api/dev", "failed"}}));
}

TEST_F(LifecycleTest, StopStopsAndIsFineWhenStopped) {
  ASSERT_TRUE(core::stop_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_TRUE(runtime_.running().empty());
  ASSERT_TRUE(core::stop_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(runtime_.count("stop dev"), 2);
}

TEST_F(LifecycleTest, StopThatFailsSaysSo) {
  runtime_.fail_next("stop");
  ASSERT_FALSE(core::stop_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(runtime_.running(), running_dev());
}

TEST_F(LifecycleTest, RestartStopsThenStarts) {
  ASSERT_TRUE(core::restart_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(runtime_.calls, (std::vector<std::string>{"stop dev", "adopt dev", "start dev"}));
  EXPECT_EQ(runtime_.running(), running_dev());
}

TEST_F(LifecycleTest, RestartWhoseStartFailsLeavesItStopped) {
  runtime_.fail_next("start");
  ASSERT_FALSE(core::restart_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_TRUE(runtime_.running().empty());
}

TEST_F(LifecycleTest, RestartWhoseStopFailsDoesNotStart) {
  runtime_.fail_next("stop");
  ASSERT_FALSE(core::restart_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(runtime_.count("start"), 0);
}

TEST_F(LifecycleTest, UnknownBranchesAreNotFound) {
  for (auto op : {core::start_branch, core::stop_branch, core::restart_branch}) {
    Status status = op(*ctx_, {"api", "nope"});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, ErrorKind::NotFound);
  }
}

TEST_F(LifecycleTest, PasswordRotationSetsANewVerifierLoggedInWithTheOld) {
  auto password = core::rotate_password(*ctx_, {"api", "dev"});
  ASSERT_TRUE(password.ok()) << password.error().message;
  EXPECT_NE(*password, dev_.password);
  EXPECT_EQ(password->size(), 32u);
  EXPECT_EQ(branch_row("api", "dev").password, *password);
  auto alter = pg_.matching("ALTER ROLE %I");
  ASSERT_EQ(alter.size(), 2u);  // create's, then this one
  EXPECT_EQ(alter[1].conn.port, dev_.port);
  EXPECT_EQ(alter[1].conn.password, dev_.password);
  EXPECT_EQ(alter[1].params.at(1), FakePg::verifier("postgres", *password));
  // The clear password never reaches SQL text.
  for (const auto& s : pg_.statements()) {
    if (s.sql == "\\encrypt_password") continue;  // client-side
    EXPECT_EQ(s.sql.find(*password), std::string::npos) << s.sql;
  }
  // The project's password stays: dev is not main.
  auto project = store_->project("api");
  ASSERT_TRUE(project.ok());
  EXPECT_EQ((*project)->password, "secret-api");
}

TEST_F(LifecycleTest, RotatingMainsPasswordIsTheProjects) {
  run_server("api", "main");
  auto password = core::rotate_password(*ctx_, {"api", "main"});
  ASSERT_TRUE(password.ok()) << password.error().message;
  auto project = store_->project("api");
  ASSERT_TRUE(project.ok());
  EXPECT_EQ((*project)->password, *password);
  EXPECT_EQ(branch_row("api", "main").password, *password);
}

TEST_F(LifecycleTest, RotationOfAStoppedBranchIsRefusedWithoutASession) {
  stop_dev();
  size_t connections = pg_.connections().size();
  auto password = core::rotate_password(*ctx_, {"api", "dev"});
  ASSERT_FALSE(password.ok());
  EXPECT_EQ(password.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(pg_.connections().size(), connections);
}

// The server refuses the session or the statement: the row keeps the
// password the server still has.
class RotationFailureTest : public LifecycleTest,
                            public ::testing::WithParamInterface<FailureCase> {};

TEST_P(RotationFailureTest, KeepsTheOldPassword) {
  Faults f = faults();
  GetParam().inject(f);
  auto password = core::rotate_password(*ctx_, {"api", "dev"});
  ASSERT_FALSE(password.ok());
  EXPECT_EQ(branch_row("api", "dev").password, dev_.password);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, RotationFailureTest,
    ::testing::Values(FailureCase{"State", [](Faults& f) { f.runtime.fail_next("state"); }},
                      FailureCase{
                          "SessionRefused",
                          [](Faults& f) { f.pg.refuse(40001, "password authentication failed"); }},
                      FailureCase{"Encrypt", [](Faults& f) { f.pg.fail("\\encrypt_password"); }},
                      FailureCase{"Format", [](Faults& f) { f.pg.fail("format('ALTER ROLE"); }},
                      FailureCase{"AlterRole", [](Faults& f) { f.pg.fail_regex("^ALTER ROLE"); }}),
    case_name);

// rotate_password sets the new password in the server, then writes it to
// the row; when that write fails the server gets the old one back, or
// velo would be locked out of the branch.
TEST_F(LifecycleTest, AFailedRowWriteLeavesThePasswordTheServerHas) {
  fail_writes("branches", "UPDATE");
  auto password = core::rotate_password(*ctx_, {"api", "dev"});
  ASSERT_FALSE(password.ok());
  std::string in_server = pg_.matching("ALTER ROLE %I").back().params.at(1);
  EXPECT_EQ(in_server, FakePg::verifier("postgres", branch_row("api", "dev").password));
}

}  // namespace
}  // namespace velo::testing
