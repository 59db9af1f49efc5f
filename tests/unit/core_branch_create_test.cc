// velo branch create, step by step against fakes: a running branch gets
// its own password over a session to its own port; a failure at any step
// leaves the world as it was (rows, volumes, snapshots, archives, servers).
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/history/wal_archive.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

core::CreateBranchOptions branch(const std::string& name, bool start = true) {
  core::CreateBranchOptions options;
  options.name = {"api", name};
  options.start = start;
  return options;
}

TEST_F(CoreTest, CreateStartsTheBranchWithItsOwnPassword) {
  seed_project("api");
  auto made = core::create_branch(*ctx_, branch("dev"));
  ASSERT_TRUE(made.ok()) << made.error().message;
  const std::string& password = made->branch.password;
  EXPECT_EQ(password.size(), 32u);
  EXPECT_NE(password, "secret-api");
  EXPECT_EQ(branch_row("api", "dev").password, password);
  EXPECT_EQ(branch_row("api", "dev").status, "ready");
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{"api/dev@" + made->branch.volume});
  // Set over a session to the branch, logged in with the parent's
  // password the clone carries, as a verifier of the new one.
  auto alter = pg_.matching("ALTER ROLE %I PASSWORD %L");
  ASSERT_EQ(alter.size(), 1u);
  EXPECT_EQ(alter[0].conn.port, made->branch.port);
  EXPECT_EQ(alter[0].conn.password, "secret-api");
  EXPECT_EQ(alter[0].params,
            (std::vector<std::string>{"postgres", FakePg::verifier("postgres", password)}));
  EXPECT_EQ(pg_.count("ALTER ROLE \"postgres\" PASSWORD"), 1);
  EXPECT_GE(pg_.pings(), 1);
}

TEST_F(CoreTest, CreateOfAStoppedParentSnapshotsWithoutASession) {
  seed_project("api");
  auto made = core::create_branch(*ctx_, branch("dev"));
  ASSERT_TRUE(made.ok()) << made.error().message;
  // The one session is the new branch's, for its password.
  for (const auto& conn : pg_.connections()) EXPECT_EQ(conn.port, made->branch.port);
  auto snapshots = store_->snapshots("api");
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->at(0).lsn, "");  // a stopped server's files are consistent as they are
}

TEST_F(CoreTest, CreateOfARunningParentCheckpointsAndRecordsTheLsn) {
  seed_project("api", {.running = true});
  pg_.on("pg_control_checkpoint()", {{"0/3000028", "0/1000028", "f"}});
  pg_.on("pg_current_wal_lsn() END::text", {{"0/3000100"}});
  auto made = core::create_branch(*ctx_, branch("dev", false));
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto on_parent = pg_.statements();
  ASSERT_EQ(on_parent.size(), 3u);
  EXPECT_EQ(on_parent[1].sql, "CHECKPOINT");
  for (const auto& s : on_parent) {
    EXPECT_EQ(s.conn.port, 40000);
    EXPECT_EQ(s.session, 1);  // the redo point, checkpoint and LSN in one session
  }
  auto snapshots = store_->snapshots("api");
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->at(0).redo_lsn, "0/3000028");
  EXPECT_EQ(snapshots->at(0).lsn, "0/3000100");
  EXPECT_EQ(snapshots->at(0).kind, "base");
}

// A parent that crashed (no server, not stopped by the user: a killed
// postmaster, a full disk) is started again before it is snapshotted, so
// the next command brings it back; one the user stopped stays down.
TEST_F(CoreTest, CreateStartsACrashedParentFirst) {
  seed_project("api", {.running = true});
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());  // behind velo's back
  auto made = core::create_branch(*ctx_, branch("dev", false));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{"api/main@api.main.0"});
  EXPECT_EQ(pg_.count("CHECKPOINT"), 1) << "snapshotted running, as a live parent is";

  ASSERT_TRUE(core::stop_branch(*ctx_, {"api", "main"}).ok());
  ASSERT_TRUE(core::create_branch(*ctx_, branch("ci", false)).ok());
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{}) << "stopped by the user: left so";
}

// One that cannot start is branched from its files as they are: a branch
// is how one looks into why it does not start.
TEST_F(CoreTest, CreateOfACrashedParentThatDoesNotStartBranchesItsFiles) {
  seed_project("api", {.running = true});
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());
  runtime_.fail_next("start");
  auto made = core::create_branch(*ctx_, branch("dev", false));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{});
  EXPECT_EQ(branch_row("api", "main").stopped_by_user, false) << "still crashed, as it is";
  EXPECT_EQ(pg_.count("CHECKPOINT"), 0) << "no server to ask";
}

TEST_F(CoreTest, CreateMakesTheBranchsWalArchiveUnlessNoArchive) {
  seed_project("api");
  auto archiving = core::create_branch(*ctx_, branch("a", false));
  ASSERT_TRUE(archiving.ok()) << archiving.error().message;
  EXPECT_EQ(archiving->spec.archive_dir,
            core::archive_dir_of(ctx_->config, ctx_->driver, archiving->branch.volume));
  EXPECT_TRUE(path_exists(archiving->spec.archive_dir));

  core::CreateBranchOptions options = branch("b", false);
  options.archive = false;
  auto quiet = core::create_branch(*ctx_, options);
  ASSERT_TRUE(quiet.ok()) << quiet.error().message;
  EXPECT_EQ(quiet->spec.archive_dir, "");
  EXPECT_FALSE(path_exists(core::archive_dir_of(ctx_->config, ctx_->driver, quiet->branch.volume)));
}

TEST_F(CoreTest, CreateWithoutStartStartsNothing) {
  seed_project("api");
  auto made = core::create_branch(*ctx_, branch("dev", false));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(runtime_.count("start"), 0);
  EXPECT_TRUE(runtime_.running().empty());
  EXPECT_TRUE(pg_.connections().empty());
}

// With --no-start the branch must still get its own password (it was
// once set only on a running server): copies of production data must
// not all open with one key.
TEST_F(CoreTest, CreateWithoutStartGivesTheBranchItsOwnPassword) {
  seed_project("api");
  auto made = core::create_branch(*ctx_, branch("dev", false));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_NE(branch_row("api", "dev").password, "secret-api");
}

TEST_F(CoreTest, CreateRefusesBadListenAddressAndForeignParent) {
  seed_project("api");
  seed_project("web");
  const std::string before = world();

  core::CreateBranchOptions listen = branch("dev");
  listen.listen_address = "localhost";
  auto bad_listen = core::create_branch(*ctx_, listen);
  ASSERT_FALSE(bad_listen.ok());
  EXPECT_EQ(bad_listen.error().kind, ErrorKind::Invalid);

  core::CreateBranchOptions foreign = branch("dev");
  foreign.parent = core::BranchName{"web", "main"};
  auto bad_parent = core::create_branch(*ctx_, foreign);
  ASSERT_FALSE(bad_parent.ok());
  EXPECT_EQ(bad_parent.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(world(), before);
}

// A row still "creating" under the project's lock is a killed create's
// (a live one would hold the lock): the next command removes what it
// made, then does its own work.
TEST_F(CoreTest, TheNextCreateFinishesAKilledCreateFirst) {
  seed_project("api");
  const std::string before = world();
  auto killed = core::create_branch(*ctx_, branch("dev"));
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  state::BranchRecord half_made = branch_row("api", "dev");
  half_made.status = "creating";
  ASSERT_TRUE(store_->update_branch(half_made).ok());
  ASSERT_TRUE(driver_->volumes.count(half_made.volume));

  auto made = core::create_branch(*ctx_, branch("feature"));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_FALSE(store_->branch("api", "dev")->has_value());
  EXPECT_FALSE(driver_->volumes.count(half_made.volume));
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "feature"}, false).ok());
  EXPECT_EQ(world(), before);
}

TEST_F(CoreTest, CreateOfABranchOfABranchClonesTheParentBranch) {
  seed_project("api");
  auto dev = core::create_branch(*ctx_, branch("dev"));
  ASSERT_TRUE(dev.ok()) << dev.error().message;
  core::CreateBranchOptions options = branch("feature");
  options.parent = core::BranchName{"api", "dev"};
  auto feature = core::create_branch(*ctx_, options);
  ASSERT_TRUE(feature.ok()) << feature.error().message;
  EXPECT_EQ(feature->branch.parent, "dev");
  EXPECT_EQ(driver_->clone_of[feature->branch.volume],
            dev->branch.volume + "@" + feature->branch.base_snapshot);
  // The running parent was snapshotted in a session logged in with its
  // own password; the child's password was set with the same one.
  auto checkpoint = pg_.matching("CHECKPOINT");
  ASSERT_EQ(checkpoint.size(), 1u);
  EXPECT_EQ(checkpoint[0].conn.port, dev->branch.port);
  EXPECT_EQ(checkpoint[0].conn.password, dev->branch.password);
  EXPECT_EQ(pg_.matching("ALTER ROLE %I").back().conn.password, dev->branch.password);
}

TEST_F(CoreTest, CreateFailingToReserveItsRowLeavesNothing) {
  seed_project("api", {.running = true, .archive = true});
  const std::string before = world();
  fail_writes("branches", "INSERT");
  auto made = core::create_branch(*ctx_, branch("dev"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(world(), before);
  EXPECT_TRUE(pg_.connections().empty());
}

// A failure at each step of create: the undo leaves the world as it was
// (the undos run while the operation's state is alive: core/operation.h).
struct CreateCase {
  FailureCase failure;
  bool start = true;
  bool parent_running = false;
};
void PrintTo(const CreateCase& c, std::ostream* os) { *os << c.failure.name; }

class CreateFailureTest : public CoreTest, public ::testing::WithParamInterface<CreateCase> {};

TEST_P(CreateFailureTest, LeavesNothingBehind) {
  const CreateCase& c = GetParam();
  seed_project("api", {.running = c.parent_running, .archive = true});
  ASSERT_TRUE(core::create_branch(*ctx_, branch("sibling", false)).ok());
  const std::string before = world();
  Faults f = faults();
  c.failure.inject(f);
  auto made = core::create_branch(*ctx_, branch("dev", c.start));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(world(), before);
}

FailureCase fault(std::string name, std::function<void(Faults&)> inject) {
  return {std::move(name), std::move(inject)};
}

const FailureCase kSnapshot = fault("Snapshot", [](Faults& f) { f.driver.fail_next("snapshot"); });
const FailureCase kClone = fault("Clone", [](Faults& f) { f.driver.fail_next("clone"); });
const FailureCase kAdopt = fault("Adopt", [](Faults& f) { f.runtime.fail_next("adopt"); });
const FailureCase kCommit =
    fault("Commit", [](Faults& f) { f.fail_writes("snapshots", "INSERT"); });

// Up to the parent's snapshot only the row's undo is pushed, and it
// reads nothing destroyed: these cases run.
INSTANTIATE_TEST_SUITE_P(
    BeforeTheSnapshot, CreateFailureTest,
    ::testing::Values(
        CreateCase{kSnapshot, false}, CreateCase{kSnapshot},
        CreateCase{fault("SessionRefused", [](Faults& f) { f.pg.refuse(40000); }), true, true},
        CreateCase{
            fault("RedoLsn",
                  [](Faults& f) { f.pg.fail("pg_current_wal_lsn() END", ErrorKind::Io, 1); }),
            true, true},
        CreateCase{fault("Checkpoint", [](Faults& f) { f.pg.fail("CHECKPOINT"); }), true, true},
        CreateCase{fault("SnapshotOfRunning", [](Faults& f) { f.driver.fail_next("snapshot"); }),
                   true, true}),
    [](const auto& info) { return info.param.failure.name + (info.param.start ? "" : "NoStart"); });

INSTANTIATE_TEST_SUITE_P(NoStart, CreateFailureTest,
                         ::testing::Values(CreateCase{kClone, false}, CreateCase{kAdopt, false},
                                           CreateCase{kCommit, false}),
                         [](const auto& info) { return info.param.failure.name; });

INSTANTIATE_TEST_SUITE_P(
    Start, CreateFailureTest,
    ::testing::Values(
        CreateCase{kClone}, CreateCase{kAdopt},
        CreateCase{fault("Start", [](Faults& f) { f.runtime.fail_next("start"); })},
        CreateCase{fault("ServerExits",
                         [](Faults& f) {
                           f.pg.ping_default = pg::PingStatus::NoResponse;
                           f.runtime.fail_next("check_alive");
                         })},
        CreateCase{
            fault("PasswordSessionRefused",
                  [](Faults& f) { f.pg.refuse_if([](const pg::ConnParams&) { return true; }); })},
        CreateCase{fault("EncryptPassword", [](Faults& f) { f.pg.fail("\\encrypt_password"); })},
        CreateCase{fault("AlterRole", [](Faults& f) { f.pg.fail_regex("^ALTER ROLE"); })},
        CreateCase{fault("CommitReady", [](Faults& f) { f.fail_writes("branches", "UPDATE"); })},
        CreateCase{kCommit}),
    [](const auto& info) { return info.param.failure.name; });

INSTANTIATE_TEST_SUITE_P(
    RunningParent, CreateFailureTest,
    ::testing::Values(
        CreateCase{kClone, true, true},
        CreateCase{fault("Start", [](Faults& f) { f.runtime.fail_next("start"); }), true, true},
        CreateCase{fault("AlterRole", [](Faults& f) { f.pg.fail_regex("^ALTER ROLE"); }), true,
                   true}),
    [](const auto& info) { return info.param.failure.name; });

}  // namespace
}  // namespace velo::testing
