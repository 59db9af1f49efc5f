#include "core/history/pitr_plan.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace velo::core {
namespace {

TimePoint at(const std::string& text) { return *parse_rfc3339(text); }

state::SnapshotRecord snapshot(int64_t id, const std::string& created_at, const std::string& lsn,
                               const std::string& redo = "") {
  state::SnapshotRecord s;
  s.id = id;
  s.name = "velo-" + std::to_string(id);
  s.created_at = created_at;
  s.lsn = lsn;
  s.redo_lsn = redo;
  s.kind = "user";
  return s;
}

class PitrPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    inputs_.branch = "p/main";
    inputs_.snapshots = {snapshot(1, "2026-11-24T10:00:00.000Z", "0/3000100", "0/3000028"),
                         snapshot(2, "2026-11-24T10:10:00.000Z", "0/5000100", "0/5000028"),
                         snapshot(3, "2026-11-24T10:20:00.000Z", "0/7000100", "0/7000028")};
    inputs_.oldest_archived_segno = 1;
    inputs_.now = at("2026-11-24T10:30:00Z");
    inputs_.current_lsn = *parse_lsn("0/9000000");
  }
  Result<RecoveryPlan> plan(TargetSpec::Kind kind, const std::string& text) {
    return plan_recovery(inputs_, TargetSpec{kind, text});
  }
  WindowInputs inputs_;
};

TEST_F(PitrPlanTest, PicksTheNewestSnapshotBeforeATime) {
  using K = TargetSpec::Kind;
  EXPECT_EQ(plan(K::Time, "2026-11-24T10:05:00Z")->snapshot.id, 1);
  EXPECT_EQ(plan(K::Time, "2026-11-24T10:10:00.001Z")->snapshot.id, 2);
  // created_at has millisecond grain: a target in the same millisecond
  // might precede commits inside the snapshot.
  EXPECT_EQ(plan(K::Time, "2026-11-24T10:10:00.0005Z")->snapshot.id, 1);
  EXPECT_EQ(plan(K::Time, "2026-11-24T12:25:00+02:00")->snapshot.id, 3);
  EXPECT_EQ(plan(K::Time, "5 minutes ago")->snapshot.id, 3);
  EXPECT_EQ(plan(K::Time, "15 minutes ago")->snapshot.id, 2);
  EXPECT_EQ(plan(K::Time, "now")->snapshot.id, 3);
  auto p = plan(K::Time, "2026-11-24T11:05:00+01:00");
  EXPECT_EQ(format_utc(p->target.time), "2026-11-24T10:05:00.000Z");
}

TEST_F(PitrPlanTest, PicksTheNewestSnapshotBeforeAnLsn) {
  using K = TargetSpec::Kind;
  EXPECT_EQ(plan(K::Lsn, "0/3000100")->snapshot.id, 1);
  EXPECT_EQ(plan(K::Lsn, "0/50000FF")->snapshot.id, 1);
  EXPECT_EQ(plan(K::Lsn, "0/5000100")->snapshot.id, 2);
  EXPECT_EQ(plan(K::Lsn, "0/9000000")->snapshot.id, 3);
}

TEST_F(PitrPlanTest, BadTargetsStateTheWindow) {
  using K = TargetSpec::Kind;
  const std::string window =
      "2026-11-24T10:00:00.001Z to 2026-11-24T10:30:00.000Z (now); by LSN 0/3000100 to 0/9000000";
  for (auto [kind, text] : std::vector<std::pair<K, std::string>>{
           {K::Time, "2026-11-24T09:59:59Z"},  // before the oldest snapshot
           {K::Time, "2026-11-24T10:00:00Z"},  // in its very millisecond
           {K::Time, "2026-11-24T10:30:01Z"},  // after now
           {K::Time, "1 hour ago"},
           {K::Time, "tomorrow"},             // unparsable
           {K::Time, "2026-11-24T10:05:00"},  // no zone
           {K::Lsn, "0/30000FF"},
           {K::Lsn, "0/9000001"},
           {K::Lsn, "not-an-lsn"}}) {
    auto p = plan(kind, text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.error().kind, ErrorKind::Invalid) << text;
    EXPECT_NE(p.error().message.find(window), std::string::npos) << p.error().message;
  }
}

TEST_F(PitrPlanTest, SnapshotsWhoseWalWasPrunedOrUnknownAreUnusable) {
  inputs_.snapshots.push_back(snapshot(4, "2026-11-24T09:00:00.000Z", ""));  // of a stopped branch
  inputs_.snapshots.push_back(snapshot(5, "garbage", "0/1000000"));
  inputs_.oldest_archived_segno = 5;  // segments 1-4 pruned: snapshot 1 is gone
  auto usable = usable_snapshots(inputs_);
  ASSERT_EQ(usable.size(), 2u);
  EXPECT_EQ(usable[0].id, 2);
  auto window = recoverable_window(inputs_);
  EXPECT_EQ(format_utc(window->from_time), "2026-11-24T10:10:00.001Z");
  EXPECT_FALSE(plan(TargetSpec::Kind::Time, "2026-11-24T10:05:00Z").ok());
  // Without a redo point the LSN's own segment must still be archived.
  inputs_.snapshots = {snapshot(6, "2026-11-24T10:10:00.000Z", "0/5000100")};
  EXPECT_EQ(usable_snapshots(inputs_).size(), 1u);
  inputs_.oldest_archived_segno = 6;
  EXPECT_TRUE(usable_snapshots(inputs_).empty());
}

TEST_F(PitrPlanTest, NoSnapshotSaysHowToMakeOne) {
  inputs_.snapshots.clear();
  auto p = plan(TargetSpec::Kind::Time, "5 minutes ago");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("velo snapshot create p/main"), std::string::npos);
}

TEST(WalPositionTest, LsnsAndFileNames) {
  EXPECT_EQ(*parse_lsn("16/B374D848"), 0x16B374D848ull);
  EXPECT_EQ(format_lsn(0x16B374D848ull), "16/B374D848");
  EXPECT_EQ(format_lsn(0), "0/0");
  for (const char* bad : {"", "/", "0/", "/1", "G/0", "0/123456789", "1 /2", "0/3000148x"}) {
    EXPECT_FALSE(parse_lsn(bad).ok()) << bad;
  }
  EXPECT_EQ(segment_file_name(1, segment_of(0x16B374D848ull)), "0000000100000016000000B3");
  auto seg = parse_wal_file_name("0000000200000016000000B3");
  ASSERT_TRUE(seg);
  EXPECT_EQ(seg->timeline, 2u);
  EXPECT_EQ(*seg->segno, segment_of(0x16B374D848ull));
  EXPECT_EQ(parse_wal_file_name("000000010000000000000007.partial")->suffix, ".partial");
  EXPECT_EQ(parse_wal_file_name("000000010000000000000002.00000028.backup")->suffix, ".backup");
  auto history = parse_wal_file_name("00000002.history");
  ASSERT_TRUE(history);
  EXPECT_FALSE(history->segno);
  for (const char* bad : {".000000010000000000000007.tmp.12", "00000001000000000000000",
                          "x.history", "000000010000000000000007.tmp",
                          // 16 MiB segments count 00..FF in the last part
                          "000000010000000000000100", "001B0010FFB83D47480000FF"}) {
    EXPECT_FALSE(parse_wal_file_name(bad)) << bad;
  }
}

}  // namespace
}  // namespace velo::core
