// How far WAL replay is toward a point-in-time target, for the progress
// line: from the snapshot's LSN to the target (an LSN) or the window's end
// (a time, whose LSN replay has yet to find).
#include <gtest/gtest.h>

#include "core/history/pitr_recover.h"

namespace velo::core {
namespace {

RecoveryPlan plan(TargetSpec::Kind kind, const std::string& snapshot_lsn) {
  RecoveryPlan p;
  p.target.kind = kind;
  p.target.lsn = 0x5000000;
  p.window.to_lsn = 0x9000000;
  p.snapshot.lsn = snapshot_lsn;
  return p;
}

TEST(ReplayPercentTest, CountsFromTheSnapshotToTheTarget) {
  RecoveryPlan to_lsn = plan(TargetSpec::Kind::Lsn, "0/1000000");
  EXPECT_EQ(replay_percent(to_lsn, 0x1000000), 0);
  EXPECT_EQ(replay_percent(to_lsn, 0x3000000), 50);
  EXPECT_EQ(replay_percent(to_lsn, 0x5000000), 100);
  EXPECT_EQ(replay_percent(to_lsn, 0x800000), 0) << "before the snapshot";
  EXPECT_EQ(replay_percent(to_lsn, 0x7000000), 100) << "past the target";
}

TEST(ReplayPercentTest, ATimeTargetCountsTowardTheWindowsEnd) {
  RecoveryPlan to_time = plan(TargetSpec::Kind::Time, "0/1000000");
  EXPECT_EQ(replay_percent(to_time, 0x3000000), 25);
}

TEST(ReplayPercentTest, NoPercentWithoutAStartBeforeTheEnd) {
  EXPECT_EQ(replay_percent(plan(TargetSpec::Kind::Lsn, ""), 0x3000000), std::nullopt);
  EXPECT_EQ(replay_percent(plan(TargetSpec::Kind::Lsn, "0/6000000"), 0x3000000), std::nullopt);
}

}  // namespace
}  // namespace velo::core
