// Point-in-time branches (velo branch create --at TIME | --lsn LSN)
// against fakes: the parent's window is read over a session, its WAL is
// sealed into the archive, the clone of the chosen snapshot recovers to
// the target and is promoted; targets outside the window make nothing.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/history/pitr_recover.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "support/core_fixture.h"
#include "util/fs.h"
#include "util/time_format.h"

namespace velo::testing {
namespace {

constexpr char kSealed[] = "000000010000000000000005";
constexpr char kStopped[] =
    "LOG:  starting PostgreSQL 15.4\n"
    "LOG:  recovery stopping before commit of transaction 750, time 2026-11-18 11:06:45\n"
    "LOG:  database system is ready to accept connections\n";

class PitrTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    seed_project("api", {.running = true, .archive = true});
    archive_ = core::archive_dir_of(ctx_->config, ctx_->driver, "api.main.0");
    // A snapshot of the running main at 0/3000028, and its WAL archived.
    auto snapshot = core::create_snapshot(*ctx_, {"api", "main"}, "base");
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
    snapshot_ = *snapshot;
    ASSERT_TRUE(write_file_atomic(archive_ + "/000000010000000000000003", "wal", 0600).ok());
    ASSERT_TRUE(write_file_atomic(archive_ + "/000000010000000000000004", "wal", 0600).ok());
    clock_.advance(std::chrono::seconds(10));
    // pg_switch_wal: the archiver delivers the finished segment.
    pg_.on_call("pg_switch_wal()", [this](const PgStatement&) -> FakePg::Answer {
      (void)write_file_atomic(archive_ + "/" + kSealed, "wal", 0600);
      return std::vector<pg::Row>{{kSealed}};
    });
    runtime_.log = kStopped;
  }

  core::CreateBranchOptions at(core::TargetSpec::Kind kind, const std::string& text) {
    core::CreateBranchOptions options;
    options.name = {"api", "past"};
    options.target = core::TargetSpec{kind, text};
    return options;
  }
  core::CreateBranchOptions at_lsn(const std::string& lsn) {
    return at(core::TargetSpec::Kind::Lsn, lsn);
  }

  std::string archive_;
  state::SnapshotRecord snapshot_;
};

TEST_F(PitrTest, RecoversTheSnapshotsCloneToAnLsnAndPromotes) {
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_TRUE(made.ok()) << made.error().message;
  // Cloned from the user snapshot, which it depends on but does not own.
  EXPECT_EQ(driver_->clone_of[made->branch.volume], "api.main.0@" + snapshot_.name);
  EXPECT_EQ(made->branch.source_snapshot, snapshot_.name);
  EXPECT_EQ(made->branch.base_snapshot, "");
  // Its state as promoted is kept on its own volume: what diff compares with.
  auto own = store_->snapshots("api", made->branch.name);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ(own->at(0).kind, "start");
  EXPECT_EQ(own->at(0).volume, made->branch.volume);
  EXPECT_EQ(driver_->snapshots.count(made->branch.volume + "@" + own->at(0).name), 1u);
  // The parent's WAL was sealed on the parent, in one session.
  auto sealed = pg_.matching("pg_switch_wal");
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].conn.port, 40000);
  EXPECT_EQ(pg_.matching("txid_current")[0].session, sealed[0].session);
  // Promoted, running, with its own password and no recovery settings left.
  EXPECT_EQ(runtime_.running(),
            (std::vector<std::string>{"api/main@api.main.0", "api/past@" + made->branch.volume}));
  EXPECT_NE(branch_row("api", "past").password, "secret-api");
  auto conf = read_file(made->spec.data_dir + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_EQ(conf->find("recovery_target"), std::string::npos) << *conf;
  EXPECT_EQ(made->spec.restore_dir, "");
}

TEST_F(PitrTest, SealsNothingWhenTheArchiveHoldsTheTargetAndTheNextSegment) {
  // A moment in the past: its segment and the one after are archived.
  // Then a later one, whose next segment is not.
  pg_.on_each("pg_walfile_name", {{{"000000010000000000000003", "000000010000000000000004"}},
                                  {{"000000010000000000000004", "000000010000000000000006"}}});
  auto made = core::create_branch(*ctx_, at_lsn("0/3800000"));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE(pg_.matching("pg_switch_wal").empty());
  EXPECT_EQ(pg_.matching("pg_walfile_name").at(0).conn.port, 40000);
  // The segment after is missing: the parent switches and waits.
  made = core::create_branch(*ctx_, [&] {
    auto options = at_lsn("0/4800000");
    options.name = {"api", "later"};
    return options;
  }());
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(pg_.matching("pg_switch_wal").size(), 1u);
}

TEST_F(PitrTest, RecoversToATime) {
  std::string target = format_utc(clock_.now() - std::chrono::seconds(5));
  auto made = core::create_branch(*ctx_, at(core::TargetSpec::Kind::Time, target));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->branch.source_snapshot, snapshot_.name);
  EXPECT_EQ(pg_.count("SELECT pg_is_in_recovery()"), 2);  // the window, then promotion
}

TEST_F(PitrTest, RefusesNoStart) {
  const std::string before = world();
  core::CreateBranchOptions options = at_lsn("0/4000000");
  options.start = false;
  auto made = core::create_branch(*ctx_, options);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(world(), before);
}

TEST_F(PitrTest, RefusesAParentThatDoesNotArchive) {
  state::BranchRecord main = branch_row("api", "main");
  main.archive = false;
  ASSERT_TRUE(store_->update_branch(main).ok());
  const std::string before = world();
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(world(), before);
}

TEST_F(PitrTest, RefusesAStoppedParentWithoutASession) {
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());
  const std::string before = world();
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(world(), before);
  EXPECT_EQ(pg_.count("pg_current_wal_lsn()::text"), 0);
}

TEST_F(PitrTest, RefusesAParentInRecovery) {
  // A standby refuses pg_current_wal_lsn(): velo asks only whether it is one.
  pg_.on_regex(R"(^SELECT pg_is_in_recovery\(\)$)", {{"t"}});
  pg_.fail("SELECT pg_current_wal_lsn()::text");
  const std::string before = world();
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Conflict);
  EXPECT_NE(made.error().message.find("velo project unfollow"), std::string::npos)
      << made.error().message;
  EXPECT_EQ(world(), before);
}

TEST_F(PitrTest, RefusesTargetsOutsideTheWindow) {
  const std::string before = world();
  for (const auto& options :
       {at_lsn("0/2000000"), at_lsn("0/6000000"), at_lsn("nonsense"),
        at(core::TargetSpec::Kind::Time, format_utc(clock_.now() + std::chrono::hours(1)))}) {
    auto made = core::create_branch(*ctx_, options);
    ASSERT_FALSE(made.ok()) << options.target->text;
    EXPECT_EQ(made.error().kind, ErrorKind::Invalid) << made.error().message;
  }
  EXPECT_EQ(world(), before);
  EXPECT_EQ(pg_.count("pg_switch_wal"), 0);
}

TEST_F(PitrTest, RefusesWhenTheArchiveNoLongerHoldsTheSnapshotsWal) {
  ASSERT_TRUE(remove_tree(archive_ + "/000000010000000000000003").ok());
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Invalid);
  EXPECT_NE(made.error().message.find("no snapshot to recover from"), std::string::npos);
}

TEST_F(PitrTest, ParentSessionRefusedMakesNothing) {
  pg_.refuse(40000);
  const std::string before = world();
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(world(), before);
}

// Sealing the parent's archive fails before anything is made but the
// row: the undo removes it.
class PitrSealFailureTest : public PitrTest, public ::testing::WithParamInterface<FailureCase> {};

TEST_P(PitrSealFailureTest, LeavesNothingBehind) {
  const std::string before = world();
  Faults f = faults();
  GetParam().inject(f);
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(world(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Seal, PitrSealFailureTest,
    ::testing::Values(
        FailureCase{"Session",  // the second one: the first read the window
                    [](Faults& f) {
                      f.pg.refuse_if([n = 0](const pg::ConnParams&) mutable { return ++n >= 2; });
                    }},
        FailureCase{"Xid", [](Faults& f) { f.pg.fail("txid_current"); }},
        FailureCase{"SwitchWal", [](Faults& f) { f.pg.fail("pg_switch_wal"); }},
        FailureCase{"ArchiveNeverArrives",
                    [](Faults& f) { f.pg.on("pg_switch_wal", {{"000000010000000000000009"}}); }}),
    case_name);

TEST_F(PitrTest, ArchiveThatNeverArrivesTimesOutNamingTheArchiver) {
  pg_.on("pg_switch_wal", {{"000000010000000000000009"}});
  pg_.on("FROM pg_stat_archiver", {{"000000010000000000000009", "3"}});
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Timeout);
  EXPECT_NE(made.error().message.find("3 failures"), std::string::npos) << made.error().message;
  EXPECT_GE(clock_.slept(), std::chrono::seconds(120));
}

// A failure at each step after the clone: the undo leaves the world as it
// was (no recovering server left running).
class PitrFailureTest : public PitrTest, public ::testing::WithParamInterface<FailureCase> {};

TEST_P(PitrFailureTest, LeavesNothingBehind) {
  const std::string before = world();
  Faults f = faults();
  GetParam().inject(f);
  auto made = core::create_branch(*ctx_, at_lsn("0/4000000"));
  ASSERT_FALSE(made.ok());
  // The sealed segment stays in the parent's archive: it is the parent's.
  EXPECT_EQ(world(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, PitrFailureTest,
    ::testing::Values(
        FailureCase{"Clone", [](Faults& f) { f.driver.fail_next("clone"); }},
        FailureCase{"Adopt", [](Faults& f) { f.runtime.fail_next("adopt"); }},
        FailureCase{"Start", [](Faults& f) { f.runtime.fail_next("start"); }},
        FailureCase{"RecoveryEndsEarly",
                    [](Faults& f) {
                      f.pg.ping_default = pg::PingStatus::NoResponse;
                      f.runtime.fail_next("check_alive");
                      f.runtime.log =
                          "LOG:  starting PostgreSQL 15.4\nFATAL:  recovery ended before "
                          "configured recovery target was reached\n";
                    }},
        FailureCase{"PromotedShortOfTheTarget",
                    [](Faults& f) { f.runtime.log = "LOG:  starting PostgreSQL 15.4\n"; }},
        FailureCase{"Password", [](Faults& f) { f.pg.fail_regex("^ALTER ROLE"); }},
        FailureCase{"Commit", [](Faults& f) { f.fail_writes("branches", "UPDATE"); }}),
    case_name);

// recover_to_target on its own, on a prepared clone of the snapshot
// (without create_branch's undos, see above).
class RecoverTest : public PitrTest {
 protected:
  void SetUp() override {
    PitrTest::SetUp();
    core::CreateBranchOptions options;
    options.name = {"api", "past"};
    options.start = false;
    ASSERT_TRUE(core::create_branch(*ctx_, options).ok());
    branch_ = handle("api", "past");
    plan_.snapshot = snapshot_;
    plan_.target.kind = core::TargetSpec::Kind::Lsn;
    plan_.target.lsn = *core::parse_lsn("0/4000000");
  }
  Status recover() {
    VELO_TRY(core::prepare_recovery(branch_, plan_, archive_));
    return core::recover_to_target(*ctx_, branch_, plan_);
  }

  core::BranchHandle branch_;
  core::RecoveryPlan plan_;
};

TEST_F(RecoverTest, StartsWithRecoverySettingsAndEndsWithout) {
  ASSERT_TRUE(recover().ok());
  EXPECT_EQ(runtime_.running(),
            (std::vector<std::string>{"api/main@api.main.0", "api/past@" + branch_.branch.volume}));
  EXPECT_EQ(branch_.spec.restore_dir, "");
  auto conf = read_file(branch_.spec.data_dir + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_EQ(conf->find("recovery_target"), std::string::npos) << *conf;
  // Promotion was checked on the branch, over a session.
  auto promoted = pg_.matching("SELECT pg_is_in_recovery()");
  ASSERT_FALSE(promoted.empty());
  EXPECT_EQ(promoted.back().conn.port, branch_.branch.port);
}

TEST_F(RecoverTest, WritesTheTargetAndTheSignalBeforeStarting) {
  runtime_.fail_next("start");  // to look at the files as the server would find them
  ASSERT_FALSE(recover().ok());
  auto conf = read_file(branch_.spec.data_dir + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_NE(conf->find("recovery_target_lsn = '0/4000000'"), std::string::npos) << *conf;
  EXPECT_NE(conf->find("recovery_target_action = 'promote'"), std::string::npos) << *conf;
  EXPECT_TRUE(path_exists(branch_.spec.data_dir + "/recovery.signal"));
  EXPECT_EQ(branch_.spec.restore_dir, archive_);
}

TEST_F(RecoverTest, RecoveryEndingBeforeTheTargetSaysSo) {
  pg_.ping_default = pg::PingStatus::NoResponse;
  runtime_.fail_next("check_alive");
  runtime_.log =
      "LOG:  starting PostgreSQL 15.4\nFATAL:  recovery ended before configured recovery "
      "target was reached\n";
  Status recovered = recover();
  ASSERT_FALSE(recovered.ok());
  EXPECT_NE(recovered.error().message.find("ended before its target LSN 0/4000000"),
            std::string::npos)
      << recovered.error().message;
}

TEST_F(RecoverTest, PromotionWithoutReachingTheTargetFails) {
  runtime_.log = "LOG:  starting PostgreSQL 15.4\nLOG:  database system is ready\n";
  Status recovered = recover();
  ASSERT_FALSE(recovered.ok());
  EXPECT_NE(recovered.error().message.find("promoted without reaching its target"),
            std::string::npos)
      << recovered.error().message;
}

TEST_F(RecoverTest, WaitsWhileTheServerReplays) {
  // Still replaying for a while: in recovery, then promoted.
  pg_.on_each("SELECT pg_is_in_recovery()", {{{"t"}}, {{"t"}}, {{"f"}}});
  ASSERT_TRUE(recover().ok());
  // It asked until promoted, sleeping between questions (the one readiness
  // loop's short polls, not a fixed 50 ms).
  EXPECT_EQ(pg_.matching("SELECT pg_is_in_recovery()").size(), 3u);
  EXPECT_GT(clock_.slept(), std::chrono::microseconds(0));
}

TEST_F(RecoverTest, LogsInOnlyOnceReplayHasEnded) {
  // A hot standby says "ready" in postmaster.pid from its first read-only
  // moment on; recovery.signal tells velo the replay is still going.
  runtime_.replay_checks = 4;
  ASSERT_TRUE(recover().ok());
  EXPECT_EQ(pg_.matching("SELECT pg_is_in_recovery()").size(), 1u);
  EXPECT_GE(clock_.slept(), std::chrono::milliseconds(150));  // four 50 ms alive checks
}

TEST_F(RecoverTest, ReportsProgressFromTheReplayingServer) {
  // Three seconds of replay: a report at its start and one 2 s later,
  // each asking the hot standby where replay is.
  runtime_.replay_checks = 60;
  pg_.on("pg_last_xact_replay_timestamp", {{"0/3800000", "2026-11-18T11:06:40.000Z"}});
  ASSERT_TRUE(recover().ok());
  auto asked = pg_.matching("pg_last_xact_replay_timestamp");
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].conn.port, branch_.branch.port);
}

}  // namespace
}  // namespace velo::testing
