// plan_retention: which snapshots a project keeps and why, and the WAL
// they need; and the durations a retention policy is given in.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/history/retention.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kCreated = TimePoint(seconds(1795000000));
const std::string kMain = "p.main.1";

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest() {
    in_.now = kCreated + hours(1);
    in_.windows[kMain] = VolumeWindow{{minutes(10), minutes(1)}, kCreated};
  }
  // A snapshot of main taken `at` after creation, its redo in segment `segno`.
  state::SnapshotRecord& add(minutes at, const std::string& kind = "scheduled", int segno = 0) {
    state::SnapshotRecord s;
    s.id = static_cast<int64_t>(in_.snapshots.size()) + 1;
    s.project = "p";
    s.branch = "main";
    s.volume = kMain;
    s.name = "velo-" + std::to_string(s.id);
    s.created_at = format_utc(kCreated + at);
    int seg = segno != 0 ? segno : static_cast<int>(s.id);
    s.redo_lsn = fmt::format("0/{:X}000028", seg);
    s.lsn = fmt::format("0/{:X}000100", seg);
    s.kind = kind;
    in_.snapshots.push_back(s);
    return in_.snapshots.back();
  }
  KeepReason reason(int64_t id) {
    plan_ = plan_retention(in_);
    for (const auto& d : plan_.decisions) {
      if (d.snapshot.id == id) return d.reason;
    }
    ADD_FAILURE() << "no decision for " << id;
    return KeepReason::None;
  }

  RetentionInputs in_;
  RetentionPlan plan_;
};

TEST_F(RetentionTest, KeepsTheWindowAndTheNewestBeforeItsStart) {
  for (int m : {0, 20, 45, 49, 51, 55}) add(minutes(m));
  // now = +60m, retention 10m: the window starts at +50m.
  EXPECT_EQ(reason(1), KeepReason::None);
  EXPECT_EQ(reason(2), KeepReason::None);
  EXPECT_EQ(reason(3), KeepReason::None);
  EXPECT_EQ(reason(4), KeepReason::WindowStart);
  EXPECT_EQ(reason(5), KeepReason::InWindow);
  EXPECT_EQ(reason(6), KeepReason::InWindow);
  EXPECT_EQ(plan_.window_starts.at(kMain).at, kCreated + minutes(50));
  EXPECT_EQ(plan_.window_starts.at(kMain).reason, "retention 10m");
  // WAL from the window-start base's redo point (segment 4).
  EXPECT_EQ(plan_.wal_needed_from.at(kMain), 4u);
}

TEST_F(RetentionTest, AYoungProjectsWindowStartsAtItsCreation) {
  in_.now = kCreated + minutes(3);
  add(minutes(0));
  EXPECT_EQ(reason(1), KeepReason::InWindow);
  EXPECT_EQ(plan_.window_starts.at(kMain).at, kCreated);
  EXPECT_NE(plan_.window_starts.at(kMain).reason.find("created"), std::string::npos);
}

TEST_F(RetentionTest, ABranchWithItsOwnWindowKeepsItsSnapshotsByItsPolicy) {
  const std::string dev = "p.dev.5";
  // dev was created at +20m with a 30m window, snapshots every 5m.
  in_.windows[dev] =
      VolumeWindow{{minutes(30), minutes(5)}, kCreated + minutes(20), "the branch was created"};
  for (int m : {20, 25, 28, 35, 58}) add(minutes(m)).volume = dev;
  add(minutes(20)).volume = "p.other.6";  // a branch without a window
  // now = +60m: dev's window starts at +30m (retention 30m), main's at +50m.
  EXPECT_EQ(reason(1), KeepReason::None);
  EXPECT_EQ(reason(2), KeepReason::None);
  EXPECT_EQ(reason(3), KeepReason::WindowStart);
  EXPECT_EQ(reason(4), KeepReason::InWindow);
  EXPECT_EQ(reason(5), KeepReason::InWindow);
  EXPECT_EQ(reason(6), KeepReason::NoWindow);
  EXPECT_EQ(plan_.window_starts.at(dev).at, kCreated + minutes(30));
  EXPECT_EQ(plan_.window_starts.at(kMain).at, kCreated + minutes(50));
  EXPECT_EQ(plan_.wal_needed_from.at(dev), 3u);
  // Young: its window starts at its creation.
  in_.now = kCreated + minutes(40);
  EXPECT_EQ(reason(1), KeepReason::InWindow);
  EXPECT_EQ(plan_.window_starts.at(dev).at, kCreated + minutes(20));
  EXPECT_NE(plan_.window_starts.at(dev).reason.find("the branch was created then"),
            std::string::npos);
}

TEST(RetentionPolicyTest, MainHasTheProjectsWindowOtherBranchesTheirOwnOrNone) {
  state::ProjectRecord project;
  project.retention_s = 86400;
  project.snapshot_every_s = 3600;
  state::BranchRecord main;
  main.name = "main";
  ASSERT_TRUE(policy_of(project, main).has_value());
  EXPECT_EQ(policy_of(project, main)->retention, hours(24));
  state::BranchRecord dev;
  dev.name = "dev";
  dev.parent = "main";
  EXPECT_FALSE(policy_of(project, dev).has_value());
  dev.retention_s = 600;
  dev.snapshot_every_s = 60;
  ASSERT_TRUE(policy_of(project, dev).has_value());
  EXPECT_EQ(policy_of(project, dev)->retention, minutes(10));
  EXPECT_EQ(policy_of(project, dev)->snapshot_every, minutes(1));
}

TEST_F(RetentionTest, ClaimsKeepOldSnapshots) {
  add(minutes(0), "base");
  add(minutes(5), "user");
  add(minutes(10), "scheduled");
  add(minutes(15), "scheduled");
  add(minutes(58));
  state::BranchRecord dev;
  dev.project = "p";
  dev.name = "dev";
  dev.parent_volume = kMain;
  dev.base_snapshot = "velo-1";
  state::BranchRecord pitr = dev;
  pitr.name = "pitr";
  pitr.base_snapshot.clear();
  pitr.source_snapshot = "velo-3";
  in_.branches = {dev, pitr};
  state::MergeRecord merge;
  merge.id = 7;
  merge.snapshot_id = 4;
  in_.merges = {merge};
  EXPECT_EQ(reason(1), KeepReason::BranchDepends);
  EXPECT_EQ(reason(2), KeepReason::User);
  EXPECT_EQ(reason(3), KeepReason::BranchDepends);
  EXPECT_EQ(reason(4), KeepReason::MergeDepends);
  EXPECT_EQ(reason(5), KeepReason::InWindow);
  EXPECT_EQ(plan_.find(kMain, "velo-1")->detail, "p/dev");
  EXPECT_EQ(plan_.find(kMain, "velo-4")->detail, "merge 7");
  // The oldest claimed snapshot holds the WAL back: never pruned by age.
  EXPECT_EQ(plan_.wal_needed_from.at(kMain), 1u);
}

TEST_F(RetentionTest, AReleasedBaseIsOrdinaryHistory) {
  add(minutes(0), "base");
  add(minutes(55), "base");
  // No branch claims them any more (deleted or reset).
  EXPECT_EQ(reason(1), KeepReason::WindowStart);
  EXPECT_EQ(reason(2), KeepReason::InWindow);
  in_.now = kCreated + hours(2);
  add(minutes(115));
  EXPECT_EQ(reason(1), KeepReason::None);
  EXPECT_EQ(reason(2), KeepReason::WindowStart);
}

TEST_F(RetentionTest, TheNewestBeforeTheStartMustBeARecoveryBase) {
  add(minutes(40));
  auto& stopped = add(minutes(45));
  stopped.lsn.clear();  // taken while main was stopped: no LSN
  stopped.redo_lsn.clear();
  EXPECT_EQ(reason(1), KeepReason::WindowStart);
  EXPECT_EQ(reason(2), KeepReason::None);
}

TEST_F(RetentionTest, OtherVolumesAndUnreadableTimesAreKept) {
  add(minutes(0)).volume = "p.dev.3";
  add(minutes(1)).created_at = "garbage";
  EXPECT_EQ(reason(1), KeepReason::NoWindow);
  EXPECT_EQ(reason(2), KeepReason::Unreadable);
}

TEST_F(RetentionTest, AKeptBaseWithoutRedoPointBlocksWalPruning) {
  add(minutes(55)).redo_lsn.clear();
  add(minutes(56));
  plan_ = plan_retention(in_);
  EXPECT_EQ(plan_.wal_needed_from.count(kMain), 0u);
  EXPECT_EQ(plan_.wal_unknown.count(kMain), 1u);
}

TEST_F(RetentionTest, NoSnapshotsNeedsNoWal) {
  plan_ = plan_retention(in_);
  EXPECT_TRUE(plan_.decisions.empty());
  EXPECT_TRUE(plan_.wal_needed_from.empty());
}

TEST(RetentionDuration, ParsesAndRefuses) {
  EXPECT_EQ(*parse_retention_duration("--retention", "10m"), minutes(10));
  EXPECT_EQ(*parse_retention_duration("--retention", "1h"), hours(1));
  EXPECT_EQ(*parse_retention_duration("--retention", "7d"), hours(7 * 24));
  for (const char* bad : {"0", "0m", "", "abc", "10", "-5m", "30s", "11000d"}) {
    auto parsed = parse_retention_duration("--retention", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid);
    EXPECT_NE(parsed.error().message.find("--retention"), std::string::npos);
  }
  EXPECT_EQ(format_span(minutes(10)), "10m");
  EXPECT_EQ(format_span(hours(24)), "1d");
  EXPECT_EQ(format_span(seconds(90)), "90s");
}

}  // namespace
}  // namespace velo::core
