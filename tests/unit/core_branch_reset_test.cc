// velo branch reset against fakes: a fresh clone of the parent's current
// state takes the branch's place, keeping its port, password and running
// state; the old incarnation (volume, base snapshot, WAL archive) goes.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/branch/branch_ops.h"
#include "core/history/wal_archive.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class ResetTest : public CoreTest {
 protected:
  // api/main (stopped unless `parent_running`) and api/dev, running
  // unless `stopped`, with its own password.
  void make_dev(bool running, bool parent_running = false) {
    seed_project("api", {.running = parent_running, .archive = true});
    core::CreateBranchOptions options;
    options.name = {"api", "dev"};
    auto made = core::create_branch(*ctx_, options);
    ASSERT_TRUE(made.ok()) << made.error().message;
    dev_ = made->branch;
    if (!running) {
      ASSERT_TRUE(runtime_.stop(handle("api", "dev").spec).ok());
    }
    runtime_.calls.clear();
  }

  state::BranchRecord dev_;
};

TEST_F(ResetTest, StoppedBranchTakesTheParentsStateKeepingPortAndPassword) {
  make_dev(false);
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  state::BranchRecord row = branch_row("api", "dev");
  EXPECT_NE(row.volume, dev_.volume);
  EXPECT_NE(row.base_snapshot, dev_.base_snapshot);
  EXPECT_EQ(row.port, dev_.port);
  EXPECT_EQ(row.password, dev_.password);
  EXPECT_EQ(driver_->clone_of[row.volume], "api.main.0@" + row.base_snapshot);
  // Started to set the branch's password (the clone has the parent's),
  // then stopped again.
  EXPECT_TRUE(runtime_.running().empty());
  EXPECT_EQ(runtime_.calls, (std::vector<std::string>{"adopt dev", "stop-immediately dev",
                                                      "remove dev", "start dev", "stop dev"}));
  auto alter = pg_.matching("ALTER ROLE %I");
  ASSERT_EQ(alter.size(), 2u);  // create's, then reset's
  EXPECT_EQ(alter[1].conn.password, "secret-api");
  EXPECT_EQ(alter[1].params.at(1), FakePg::verifier("postgres", dev_.password));
}

TEST_F(ResetTest, RunningBranchRunsItsNewIncarnation) {
  make_dev(true);
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  EXPECT_EQ(runtime_.running(),
            std::vector<std::string>{"api/dev@" + branch_row("api", "dev").volume});
}

TEST_F(ResetTest, RemovesTheOldIncarnation) {
  make_dev(false);
  const std::string old_archive = core::archive_dir_of(ctx_->config, ctx_->driver, dev_.volume);
  ASSERT_TRUE(path_exists(old_archive));
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  state::BranchRecord row = branch_row("api", "dev");
  // Each incarnation's archive is a volume of its own, and went with it.
  EXPECT_EQ(driver_->volumes, (std::set<std::string>{"api.main.0", "api.main.0.wal", row.volume,
                                                     core::archive_volume_of(row.volume)}));
  EXPECT_EQ(driver_->snapshots, std::set<std::string>{"api.main.0@" + row.base_snapshot});
  EXPECT_FALSE(path_exists(old_archive));
  EXPECT_TRUE(path_exists(core::archive_dir_of(ctx_->config, ctx_->driver, row.volume)));
  auto snapshots = store_->snapshots("api");
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->at(0).name, row.base_snapshot);
  EXPECT_EQ(snapshots->at(0).for_branch, "dev");
}

TEST_F(ResetTest, SnapshotsARunningParentInOneSession) {
  make_dev(false, true);
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  auto checkpoints = pg_.matching("CHECKPOINT");
  ASSERT_EQ(checkpoints.size(), 2u);  // create's and reset's
  EXPECT_EQ(checkpoints[1].conn.port, 40000);
  EXPECT_EQ(checkpoints[1].conn.password, "secret-api");
}

TEST_F(ResetTest, OldVolumeThatAChildDependsOnIsRetired) {
  make_dev(false);
  core::CreateBranchOptions child;
  child.name = {"api", "feature"};
  child.parent = core::BranchName{"api", "dev"};
  child.start = false;
  ASSERT_TRUE(core::create_branch(*ctx_, child).ok());
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  // feature's clone hangs on the old volume, which hangs on its base
  // snapshot of main: both kept; the snapshot recorded for gc, the volume
  // kept as history while feature's row names it.
  EXPECT_EQ(driver_->volumes.count(dev_.volume), 1u);
  auto retired = store_->retired();
  ASSERT_TRUE(retired.ok());
  std::set<std::string> kept;
  for (const auto& r : *retired) kept.insert(r.volume + "@" + r.snapshot);
  EXPECT_EQ(kept, (std::set<std::string>{"api.main.0@" + dev_.base_snapshot}));
  // Deleting feature lets the old incarnation go too.
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "feature"}, false).ok());
  EXPECT_EQ(driver_->volumes.count(dev_.volume), 0u);
  EXPECT_EQ(driver_->snapshots.count("api.main.0@" + dev_.base_snapshot), 0u);
  EXPECT_EQ(count_rows("retired"), 0);
}

TEST_F(ResetTest, RefusesMainAndUnknownBranches) {
  seed_project("api");
  const std::string before = world();
  auto main = core::reset_branch(*ctx_, {"api", "main"});
  ASSERT_FALSE(main.ok());
  EXPECT_EQ(main.error().kind, ErrorKind::Invalid);
  auto unknown = core::reset_branch(*ctx_, {"api", "nope"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(world(), before);
}

TEST_F(ResetTest, FailedSnapshotOfTheParentChangesNothing) {
  make_dev(true);
  const std::string before = world();
  driver_->fail_next("snapshot");
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(world(), before);
}

TEST_F(ResetTest, UnknownStateOfTheParentChangesNothing) {
  make_dev(true);
  const std::string before = world();
  runtime_.fail_next("state");  // the parent's: is it running?
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(world(), before);
}

TEST_F(ResetTest, RefusedSessionToARunningParentChangesNothing) {
  make_dev(true, true);
  const std::string before = world();
  pg_.refuse(40000);
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(world(), before);
}

// Reset's new incarnation gets its WAL archive directory (made by
// prepare_data_dir); a later failure (here the new server's start) must
// remove it.
TEST_F(ResetTest, FailedResetRemovesItsNewWalArchive) {
  make_dev(false);
  runtime_.fail_next("start");
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(reset.ok());
  // Only the old incarnation's archive volume: the branch is as it was.
  int incarnations = 0;
  for (const auto& volume : driver_->volumes) {
    incarnations += volume.starts_with("api.dev.") && core::is_archive_volume(volume) ? 1 : 0;
  }
  EXPECT_EQ(incarnations, 1) << world();
  EXPECT_TRUE(path_exists(core::archive_dir_of(ctx_->config, ctx_->driver, dev_.volume)));
}

// A failure at each step after the parent's snapshot: the old incarnation
// is back as it was, running if it ran, and nothing of the new one is left.
struct ResetCase {
  FailureCase failure;
  bool running = true;
};
void PrintTo(const ResetCase& c, std::ostream* os) { *os << c.failure.name; }

class ResetFailureTest : public ResetTest, public ::testing::WithParamInterface<ResetCase> {};

TEST_P(ResetFailureTest, BringsTheOldIncarnationBack) {
  make_dev(GetParam().running);
  const std::string before = world();
  Faults f = faults();
  GetParam().failure.inject(f);
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(world(), before);
}

std::vector<ResetCase> reset_cases(bool running) {
  std::vector<FailureCase> steps = {
      {"Clone", [](Faults& f) { f.driver.fail_next("clone"); }},
      {"Adopt", [](Faults& f) { f.runtime.fail_next("adopt"); }},
      {"OldState", [](Faults& f) { f.runtime.fail_next("state", 1); }},  // the parent's first
      {"StopOld", [](Faults& f) { f.runtime.fail_next("stop-immediately"); }},
      {"RemoveOld", [](Faults& f) { f.runtime.fail_next("remove"); }},
      {"UpdateRow", [](Faults& f) { f.fail_writes("branches", "UPDATE"); }},
      {"StartNew", [](Faults& f) { f.runtime.fail_next("start"); }},
      {"Password", [](Faults& f) { f.pg.fail_regex("^ALTER ROLE"); }},
      {"Commit", [](Faults& f) { f.fail_writes("snapshots", "INSERT"); }},
  };
  std::vector<ResetCase> out;
  for (auto& step : steps) out.push_back({step, running});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Running, ResetFailureTest, ::testing::ValuesIn(reset_cases(true)),
                         [](const auto& info) { return info.param.failure.name; });
INSTANTIATE_TEST_SUITE_P(Stopped, ResetFailureTest, ::testing::ValuesIn(reset_cases(false)),
                         [](const auto& info) { return info.param.failure.name; });

}  // namespace
}  // namespace velo::testing
