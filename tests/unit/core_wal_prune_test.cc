// velo wal prune against fakes: the archived WAL older than the oldest
// kept snapshot's redo point goes, and nothing else; without a snapshot
// to measure against, nothing goes.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/branch/branch_ops.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/history/wal_ops.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class WalPruneOpTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    seed_project("api", {.running = true, .archive = true});
    archive_ = core::archive_dir_of(ctx_->config, ctx_->driver, "api.main.0");
    for (int segno = 1; segno <= 6; ++segno) {
      archive(core::segment_file_name(1, segno));
    }
    archive("00000002.history");
    archive(core::segment_file_name(1, 2) + ".00000028.backup");
  }
  void archive(const std::string& name) {
    ASSERT_TRUE(write_file_atomic(archive_ + "/" + name, "0123456789", 0600).ok());
  }
  // A snapshot of main whose redo point is in segment `segno`.
  void snapshot_at(int segno) {
    std::string lsn = "0/" + std::to_string(segno) + "000028";
    pg_.on("pg_current_wal_lsn() END::text", {{lsn}});
    pg_.on("pg_control_checkpoint()", {{lsn, "0/1000028", "f"}});  // far: CHECKPOINT
    ASSERT_TRUE(core::create_snapshot(*ctx_, {"api", "main"}, "").ok());
  }
  std::vector<std::string> left() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(archive_)) {
      out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string archive_;
};

TEST_F(WalPruneOpTest, RemovesWhatTheOldestSnapshotDoesNotNeed) {
  snapshot_at(5);
  snapshot_at(3);
  auto pruned = core::prune_wal(*ctx_, {"api", "main"});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(pruned->keep_from, 3u);
  EXPECT_EQ(pruned->removed.size(), 3u);  // segments 1 and 2, and 2's .backup
  EXPECT_EQ(pruned->bytes_removed, 30u);
  EXPECT_EQ(left(),
            (std::vector<std::string>{"000000010000000000000003", "000000010000000000000004",
                                      "000000010000000000000005", "000000010000000000000006",
                                      "00000002.history"}));
}

TEST_F(WalPruneOpTest, NothingToMeasureAgainstRemovesNothing) {
  const auto before = left();
  auto pruned = core::prune_wal(*ctx_, {"api", "main"});
  ASSERT_FALSE(pruned.ok());
  EXPECT_EQ(pruned.error().kind, ErrorKind::Invalid);
  // A snapshot of the stopped branch has no LSN: it needs no archive.
  ASSERT_TRUE(core::stop_branch(*ctx_, {"api", "main"}).ok());
  ASSERT_TRUE(core::create_snapshot(*ctx_, {"api", "main"}, "").ok());
  EXPECT_FALSE(core::prune_wal(*ctx_, {"api", "main"}).ok());
  EXPECT_EQ(left(), before);
}

TEST_F(WalPruneOpTest, ASnapshotWithoutRedoPointRemovesNothing) {
  snapshot_at(5);
  ASSERT_TRUE(store_->db().run("UPDATE snapshots SET redo_lsn = ''").ok());
  const auto before = left();
  auto pruned = core::prune_wal(*ctx_, {"api", "main"});
  ASSERT_FALSE(pruned.ok());
  EXPECT_EQ(pruned.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(left(), before);
}

TEST_F(WalPruneOpTest, SnapshotsOfAnEarlierIncarnationDoNotCount) {
  snapshot_at(5);
  // An older snapshot, of a volume this archive does not serve.
  state::SnapshotRecord old;
  old.project = "api";
  old.branch = "main";
  old.volume = "api.main.old";
  old.name = "velo-99";
  old.created_at = "2026-11-01T00:00:00.000Z";
  old.lsn = old.redo_lsn = "0/1000028";
  old.kind = "user";
  ASSERT_TRUE(store_->insert_snapshot(old).ok());
  auto pruned = core::prune_wal(*ctx_, {"api", "main"});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(pruned->keep_from, 5u);
}

TEST_F(WalPruneOpTest, ABranchThatDoesNotArchiveIsInvalid) {
  state::BranchRecord main = branch_row("api", "main");
  main.archive = false;
  ASSERT_TRUE(store_->update_branch(main).ok());
  auto pruned = core::prune_wal(*ctx_, {"api", "main"});
  ASSERT_FALSE(pruned.ok());
  EXPECT_EQ(pruned.error().kind, ErrorKind::Invalid);
}

TEST_F(WalPruneOpTest, StatusShowsTheArchiveAndTheWindow) {
  snapshot_at(3);
  auto status = core::wal_status(*ctx_, {"api", "main"});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->archive_dir, archive_);
  EXPECT_EQ(status->contents.files.size(), 8u);
  ASSERT_TRUE(status->window.has_value()) << status->no_window_reason;
  EXPECT_EQ(core::format_lsn(status->window->to_lsn), "0/5000000");
}

TEST_F(WalPruneOpTest, StatusOfAStoppedBranchSaysWhyThereIsNoWindow) {
  snapshot_at(3);
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());
  auto status = core::wal_status(*ctx_, {"api", "main"});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_FALSE(status->window.has_value());
  EXPECT_NE(status->no_window_reason.find("stopped"), std::string::npos);
}

}  // namespace
}  // namespace velo::testing
