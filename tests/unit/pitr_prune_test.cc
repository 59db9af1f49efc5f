// What the two prunes select: user snapshots by count or age, and
// archived WAL relative to the oldest kept snapshot's redo point.
#include <gtest/gtest.h>

#include "core/history/pitr_time.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_ops.h"

namespace velo::core {
namespace {

state::SnapshotRecord snapshot(int64_t id, const std::string& kind, const std::string& created_at,
                               const std::string& lsn = "", const std::string& redo = "") {
  state::SnapshotRecord s;
  s.id = id;
  s.kind = kind;
  s.created_at = created_at;
  s.lsn = lsn;
  s.redo_lsn = redo;
  return s;
}

std::vector<int64_t> ids(const std::vector<state::SnapshotRecord>& snapshots) {
  std::vector<int64_t> out;
  for (const auto& s : snapshots) out.push_back(s.id);
  return out;
}

class SnapshotPruneTest : public ::testing::Test {
 protected:
  std::vector<state::SnapshotRecord> snapshots_ = {snapshot(1, "user", "2026-11-20T10:00:00.000Z"),
                                                   snapshot(2, "base", "2026-11-21T10:00:00.000Z"),
                                                   snapshot(3, "user", "2026-11-22T10:00:00.000Z"),
                                                   snapshot(4, "user", "2026-11-23T10:00:00.000Z"),
                                                   snapshot(5, "user", "2026-11-24T09:00:00.000Z")};
  TimePoint now_ = *parse_rfc3339("2026-11-24T10:00:00Z");
};

TEST_F(SnapshotPruneTest, KeepNewestN) {
  PruneOptions keep2;
  keep2.keep = 2;
  EXPECT_EQ(ids(*select_prune_candidates(snapshots_, keep2, now_)), (std::vector<int64_t>{3, 1}));
  PruneOptions keep0;
  keep0.keep = 0;
  EXPECT_EQ(ids(*select_prune_candidates(snapshots_, keep0, now_)),
            (std::vector<int64_t>{5, 4, 3, 1}));
  PruneOptions keep9;
  keep9.keep = 9;
  EXPECT_TRUE(select_prune_candidates(snapshots_, keep9, now_)->empty());
}

TEST_F(SnapshotPruneTest, OlderThanNeverTouchesBaseSnapshots) {
  PruneOptions older;
  older.older_than = *parse_duration("36h");
  EXPECT_EQ(ids(*select_prune_candidates(snapshots_, older, now_)), (std::vector<int64_t>{3, 1}));
  older.older_than = *parse_duration("30m");
  EXPECT_EQ(ids(*select_prune_candidates(snapshots_, older, now_)),
            (std::vector<int64_t>{5, 4, 3, 1}));
}

TEST_F(SnapshotPruneTest, ExactlyOneOption) {
  EXPECT_EQ(select_prune_candidates(snapshots_, {}, now_).error().kind, ErrorKind::Invalid);
  PruneOptions both;
  both.keep = 1;
  both.older_than = std::chrono::seconds(1);
  EXPECT_EQ(select_prune_candidates(snapshots_, both, now_).error().kind, ErrorKind::Invalid);
}

ArchivedFile file(const std::string& name) {
  ArchivedFile f;
  f.name = name;
  f.parsed = *parse_wal_file_name(name);
  f.bytes = 16 << 20;
  return f;
}

TEST(WalPruneTest, NeededFromIsTheOldestRedoSegment) {
  std::vector<state::SnapshotRecord> snapshots = {
      snapshot(1, "user", "t", "0/7000100", "0/6FFF000"),
      snapshot(2, "base", "t", "0/9000100", "0/9000028"),
      snapshot(3, "user", "t", "", "")};  // of a stopped branch: not a recovery base
  EXPECT_EQ(*wal_needed_from(snapshots), 6u);
  snapshots.push_back(snapshot(4, "base", "t", "0/A000000", ""));
  EXPECT_EQ(wal_needed_from(snapshots).error().kind, ErrorKind::Conflict);
  EXPECT_EQ(wal_needed_from({}).error().kind, ErrorKind::Invalid);
}

TEST(WalPruneTest, SelectsOnlyOlderSegmentsOnAnyTimeline) {
  ArchiveContents contents;
  for (const char* name :
       {"000000010000000000000004", "000000010000000000000005", "000000010000000000000006.partial",
        "000000010000000000000005.00000028.backup", "00000002.history", "000000020000000000000006",
        "000000020000000000000007"}) {
    contents.files.push_back(file(name));
  }
  std::vector<std::string> names;
  for (const auto& f : select_wal_to_prune(contents, 6)) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"000000010000000000000004", "000000010000000000000005",
                                             "000000010000000000000005.00000028.backup"}));
  EXPECT_EQ(contents.oldest_segment()->name, "000000010000000000000004");
  EXPECT_EQ(contents.newest_segment()->name, "000000020000000000000007");
}

}  // namespace
}  // namespace velo::core
