// velo snapshot create | delete | prune against fakes: a running branch
// is snapshotted consistently (CHECKPOINT on atomic drivers, the backup
// API in one session on the others); a failure leaves no snapshot; a
// snapshot a branch depends on is never deleted.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/history/snapshot_ops.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class SnapshotTest : public CoreTest {
 protected:
  Result<state::SnapshotRecord> take(const std::string& label = "") {
    return core::create_snapshot(*ctx_, {"api", "main"}, label);
  }
};

TEST_F(SnapshotTest, StoppedBranchIsSnapshottedWithoutASession) {
  seed_project("api");
  auto snapshot = take("before upgrade");
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->kind, "user");
  EXPECT_EQ(snapshot->label, "before upgrade");
  EXPECT_EQ(snapshot->lsn, "");
  EXPECT_EQ(snapshot->volume, "api.main.0");
  EXPECT_EQ(driver_->snapshots, std::set<std::string>{"api.main.0@" + snapshot->name});
  EXPECT_TRUE(pg_.connections().empty());
  EXPECT_EQ(count_rows("snapshots"), 1);
}

// A label is shown in tables and JSON as given: one short line.
TEST_F(SnapshotTest, ALabelOfManyLinesOrHugeIsRefusedAndNothingIsMade) {
  seed_project("api");
  for (const std::string& label :
       {std::string("two\nlines"), std::string("tab\there"), std::string(201, 'x')}) {
    auto snapshot = take(label);
    ASSERT_FALSE(snapshot.ok());
    EXPECT_EQ(snapshot.error().kind, ErrorKind::Invalid);
  }
  EXPECT_TRUE(driver_->snapshots.empty());
  EXPECT_EQ(count_rows("snapshots"), 0);
  EXPECT_TRUE(take(std::string(200, 'x')).ok());
}

TEST_F(SnapshotTest, RunningBranchIsCheckpointedFirstOnAnAtomicDriver) {
  seed_project("api", {.running = true});
  pg_.on("pg_control_checkpoint()", {{"0/3000028", "0/1000028", "f"}});
  pg_.on("pg_current_wal_lsn() END::text", {{"0/30000A0"}});
  auto snapshot = take();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->redo_lsn, "0/3000028") << "where the CHECKPOINT starts from, or later";
  EXPECT_EQ(snapshot->lsn, "0/30000A0");
  std::vector<std::string> sql;
  for (const auto& s : pg_.statements()) sql.push_back(s.sql.substr(0, 10));
  EXPECT_EQ(sql, (std::vector<std::string>{"SELECT now", "CHECKPOINT", "SELECT CAS"}));
  EXPECT_EQ(pg_.connections().size(), 1u);
}

// An idle parent, or one just checkpointed: its clones replay the little
// WAL since faster than a CHECKPOINT would take, and recover from the
// last checkpoint's redo point, which the snapshot records for the WAL
// archive to keep.
TEST_F(SnapshotTest, LittleWalSinceTheLastCheckpointTakesNoCheckpoint) {
  seed_project("api", {.running = true});
  pg_.on("pg_control_checkpoint()", {{"0/3000028", "0/2FFF000", "t"}});
  pg_.on("pg_current_wal_lsn() END::text", {{"0/30000A0"}});
  auto snapshot = take();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->redo_lsn, "0/2FFF000");
  EXPECT_EQ(snapshot->lsn, "0/30000A0");
  EXPECT_EQ(pg_.count("CHECKPOINT"), 0);
  EXPECT_EQ(driver_->snapshots.size(), 1u);
}

// A distance the server cannot give (a standby that has replayed nothing
// yet) is not a small one.
TEST_F(SnapshotTest, AnUnknownDistanceToTheLastCheckpointTakesOne) {
  seed_project("api", {.running = true});
  pg_.on("pg_control_checkpoint()", {{"", "0/2FFF000", ""}});
  ASSERT_TRUE(take().ok());
  EXPECT_EQ(pg_.count("CHECKPOINT"), 1);
}

class BackupApiTest : public SnapshotTest {
 protected:
  void SetUp() override {
    SnapshotTest::SetUp();
    use_driver(false);
    seed_project("api", {.running = true});
    // The segment the backup starts in, which the snapshot must hold.
    std::string wal = handle("api", "main").spec.data_dir + "/pg_wal";
    ASSERT_TRUE(make_dirs(wal, 0700).ok());
    ASSERT_TRUE(write_file_atomic(wal + "/000000010000000000000004", "wal", 0600).ok());
    pg_.on("pg_backup_start", {{"0/4000028"}});
    pg_.on("pg_backup_stop", {{"0/4000100", kLabel, ""}});
  }
  static constexpr char kLabel[] =
      "START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\n"
      "CHECKPOINT LOCATION: 0/4000060\nLABEL: velo\n";
};

TEST_F(BackupApiTest, CopiesBetweenBackupStartAndStopInOneSession) {
  auto snapshot = take();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->lsn, "0/4000100");
  auto start = pg_.matching("pg_backup_start");
  auto stop = pg_.matching("pg_backup_stop");
  ASSERT_EQ(start.size(), 1u);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(start[0].session, stop[0].session);
  EXPECT_EQ(start[0].params, std::vector<std::string>{"velo " + snapshot->name});
  // The snapshot got backup_label and pg_wal as of the stop.
  std::string data = driver_->snapshot_path("api.main.0", snapshot->name) + "/data";
  auto label = read_file(data + "/backup_label");
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(*label, kLabel);
  EXPECT_TRUE(path_exists(data + "/pg_wal/000000010000000000000004"));
  EXPECT_FALSE(path_exists(data + "/tablespace_map"));
}

TEST_F(BackupApiTest, PostgresBefore15UsesTheOldFunctionNames) {
  pg_.server_version = 140009;
  pg_.on("pg_start_backup", {{"0/4000028"}});
  pg_.on("pg_stop_backup", {{"0/4000100", kLabel, ""}});
  ASSERT_TRUE(take().ok());
  EXPECT_EQ(pg_.count("pg_start_backup($1, true, false)"), 1);
  EXPECT_EQ(pg_.count("pg_stop_backup(false, false)"), 1);
}

TEST_F(BackupApiTest, RecycledStartSegmentFailsAndLeavesNoSnapshot) {
  ASSERT_TRUE(remove_tree(handle("api", "main").spec.data_dir + "/pg_wal").ok());
  ASSERT_TRUE(make_dirs(handle("api", "main").spec.data_dir + "/pg_wal", 0700).ok());
  const std::string before = world();
  auto snapshot = take();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_NE(snapshot.error().message.find("recycled"), std::string::npos);
  EXPECT_EQ(world(), before);
}

TEST_F(BackupApiTest, FailedBackupStopLeavesNoSnapshot) {
  pg_.fail("pg_backup_stop");
  const std::string before = world();
  ASSERT_FALSE(take().ok());
  EXPECT_EQ(world(), before);
}

TEST_F(BackupApiTest, FailedRecopyLeavesNoSnapshot) {
  driver_->fail_next("recopy");
  const std::string before = world();
  ASSERT_FALSE(take().ok());
  EXPECT_EQ(world(), before);
}

// A failure at each step of snapshot create on a running, atomic branch.
class SnapshotFailureTest : public SnapshotTest,
                            public ::testing::WithParamInterface<FailureCase> {};

TEST_P(SnapshotFailureTest, LeavesNoSnapshot) {
  seed_project("api", {.running = true});
  const std::string before = world();
  Faults f = faults();
  GetParam().inject(f);
  ASSERT_FALSE(take().ok());
  EXPECT_EQ(world(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, SnapshotFailureTest,
    ::testing::Values(FailureCase{"State", [](Faults& f) { f.runtime.fail_next("state"); }},
                      FailureCase{"SessionRefused", [](Faults& f) { f.pg.refuse(40000); }},
                      FailureCase{"RedoLsn",
                                  [](Faults& f) { f.pg.fail("pg_current_wal_lsn() END", {}, 1); }},
                      FailureCase{"Checkpoint", [](Faults& f) { f.pg.fail("CHECKPOINT"); }},
                      FailureCase{"Snapshot", [](Faults& f) { f.driver.fail_next("snapshot"); }},
                      FailureCase{"Row", [](Faults& f) { f.fail_writes("snapshots", "INSERT"); }}),
    case_name);

// When reading the LSN after the snapshot fails, the driver's snapshot
// goes too (it is of no use without its LSN).
TEST_F(SnapshotTest, FailedLsnAfterTheSnapshotLeavesNoSnapshot) {
  seed_project("api", {.running = true});
  const std::string before = world();
  pg_.fail("pg_current_wal_lsn() END::text");
  ASSERT_FALSE(take().ok());
  EXPECT_EQ(world(), before);
}

// A main still "creating" under the lock is a killed project create's:
// the half-made project goes first, so there is nothing to snapshot.
TEST_F(SnapshotTest, CreateOnAHalfMadeProjectRemovesItFirst) {
  seed_project("api");
  state::BranchRecord main = branch_row("api", "main");
  main.status = "creating";
  ASSERT_TRUE(store_->update_branch(main).ok());
  auto snapshot = take();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(driver_->snapshots.empty());
  EXPECT_FALSE(driver_->volumes.count(main.volume));
  EXPECT_EQ(count_rows("projects"), 0);
}

TEST_F(SnapshotTest, DeleteRemovesTheSnapshotAndItsRow) {
  seed_project("api");
  const std::string before = world();
  auto snapshot = take();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_TRUE(core::delete_snapshot(*ctx_, snapshot->id).ok());
  EXPECT_EQ(world(), before);
  Status again = core::delete_snapshot(*ctx_, snapshot->id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::NotFound);
}

TEST_F(SnapshotTest, DeleteRefusesASnapshotABranchDependsOn) {
  seed_project("api");
  auto snapshot = take();
  ASSERT_TRUE(snapshot.ok());
  core::CreateBranchOptions options;
  options.name = {"api", "past"};
  options.start = false;
  ASSERT_TRUE(core::create_branch(*ctx_, options).ok());
  state::BranchRecord past = branch_row("api", "past");
  past.source_snapshot = snapshot->name;  // as a point-in-time branch records it
  ASSERT_TRUE(store_->update_branch(past).ok());
  const std::string before = world();
  Status refused = core::delete_snapshot(*ctx_, snapshot->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
  EXPECT_NE(refused.error().message.find("api/past"), std::string::npos);
  EXPECT_EQ(world(), before);
}

TEST_F(SnapshotTest, DeleteWhoseDestroyFailsKeepsTheRow) {
  seed_project("api");
  auto snapshot = take();
  ASSERT_TRUE(snapshot.ok());
  driver_->fail_next("destroy_snapshot");
  ASSERT_FALSE(core::delete_snapshot(*ctx_, snapshot->id).ok());
  EXPECT_EQ(count_rows("snapshots"), 1);
  ASSERT_TRUE(core::delete_snapshot(*ctx_, snapshot->id).ok());
  EXPECT_EQ(count_rows("snapshots"), 0);
}

class PruneTest : public SnapshotTest {
 protected:
  void SetUp() override {
    SnapshotTest::SetUp();
    seed_project("api");
    for (int i = 0; i < 4; ++i) {
      auto snapshot = take("s" + std::to_string(i));
      ASSERT_TRUE(snapshot.ok());
      taken_.push_back(*snapshot);
      clock_.advance(std::chrono::hours(1));
    }
  }
  std::vector<std::string> labels_left() {
    auto left = store_->snapshots("api", "main");
    std::vector<std::string> out;
    for (const auto& s : *left) {
      if (s.kind == "user") out.push_back(s.label);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<state::SnapshotRecord> taken_;  // oldest first
};

TEST_F(PruneTest, KeepsTheNewestN) {
  auto pruned = core::prune_snapshots(*ctx_, {"api", "main"}, {.keep = 1});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(pruned->deleted.size(), 3u);
  EXPECT_EQ(labels_left(), std::vector<std::string>{"s3"});
  EXPECT_EQ(driver_->snapshots, std::set<std::string>{"api.main.0@" + taken_[3].name});
}

TEST_F(PruneTest, DeletesThoseOlderThanADuration) {
  core::PruneOptions options;
  options.older_than = std::chrono::minutes(150);  // now is 4 h after s0
  auto pruned = core::prune_snapshots(*ctx_, {"api", "main"}, options);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(labels_left(), (std::vector<std::string>{"s2", "s3"}));
}

TEST_F(PruneTest, KeepsWhatABranchDependsOnAndSaysWho) {
  core::CreateBranchOptions options;
  options.name = {"api", "past"};
  options.start = false;
  ASSERT_TRUE(core::create_branch(*ctx_, options).ok());
  state::BranchRecord past = branch_row("api", "past");
  past.source_snapshot = taken_[0].name;
  ASSERT_TRUE(store_->update_branch(past).ok());
  auto pruned = core::prune_snapshots(*ctx_, {"api", "main"}, {.keep = 1});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  ASSERT_EQ(pruned->kept_in_use.size(), 1u);
  EXPECT_EQ(pruned->kept_in_use[0].second, std::vector<std::string>{"api/past"});
  EXPECT_EQ(labels_left(), (std::vector<std::string>{"s0", "s3"}));
}

TEST_F(PruneTest, NeedsExactlyOneOption) {
  core::PruneOptions both{.keep = 1, .older_than = std::chrono::hours(1)};
  for (const auto& options : {core::PruneOptions{}, both}) {
    auto pruned = core::prune_snapshots(*ctx_, {"api", "main"}, options);
    ASSERT_FALSE(pruned.ok());
    EXPECT_EQ(pruned.error().kind, ErrorKind::Invalid);
  }
  EXPECT_EQ(labels_left().size(), 4u);
}

TEST_F(PruneTest, AFailedDestroyStopsWithTheRestKept) {
  driver_->fail_next("destroy_snapshot");
  auto pruned = core::prune_snapshots(*ctx_, {"api", "main"}, {.keep = 1});
  ASSERT_FALSE(pruned.ok());
  EXPECT_EQ(labels_left().size(), 4u);  // the first destroy failed: nothing went
  ASSERT_TRUE(core::prune_snapshots(*ctx_, {"api", "main"}, {.keep = 1}).ok());
  EXPECT_EQ(labels_left(), std::vector<std::string>{"s3"});
}

}  // namespace
}  // namespace velo::testing
