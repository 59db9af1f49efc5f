// velo maintain against fakes, with the clock stepped: scheduled
// snapshots when due, pruning past retention, and what is kept (the
// window's start, user snapshots, a branch's base) with the WAL they need.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/history/maintain.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "support/core_fixture.h"
#include "util/fs.h"
#include "util/time_format.h"

namespace velo::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class MaintainTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    seed_project("api", {.running = true, .archive = true});
    ASSERT_TRUE(store_->db()
                    .run("UPDATE projects SET created_at = ?, retention_s = 600, "
                         "snapshot_every_s = 60",
                         {format_utc(clock_.now())})
                    .ok());
    archive_ = core::archive_dir_of(ctx_->config, "api.main.0");
  }
  // main's WAL now reaches segment `segno`, all of it archived.
  void wal_at(int segno) {
    for (int s = 1; s <= segno; ++s) {
      std::string path = archive_ + "/" + core::segment_file_name(1, s);
      ASSERT_TRUE(write_file_atomic(path, "0123456789", 0600).ok());
    }
    pg_.on("pg_current_wal_lsn() END::text", {{fmt::format("0/{:X}000028", segno)}});
  }
  core::ProjectMaintenance maintain() {
    auto done = core::maintain_project(*ctx_, "api");
    EXPECT_TRUE(done.ok()) << done.error().message;
    return done.ok() ? *done : core::ProjectMaintenance{};
  }
  std::vector<int64_t> snapshot_ids() {
    std::vector<int64_t> out;
    auto all = store_->snapshots("api");
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return out;
    for (const auto& s : *all) out.push_back(s.id);
    return out;
  }
  size_t archived() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(archive_)) ++n;
    return n;
  }
  std::string archive_;
};

TEST_F(MaintainTest, SnapshotsWhenDueAndPrunesPastRetention) {
  wal_at(1);
  auto first = maintain();
  ASSERT_TRUE(first.taken.has_value());  // none yet: due at once
  EXPECT_EQ(first.taken->kind, "scheduled");
  EXPECT_FALSE(maintain().taken.has_value());  // idempotent: not due again
  clock_.advance(seconds(30));
  EXPECT_FALSE(maintain().taken.has_value());

  // A branch cloned from the first snapshot, and a user snapshot.
  state::BranchRecord dev = branch_row("api", "main");
  dev.name = "dev";
  dev.parent = "main";
  dev.port += 1;
  dev.volume = "api.dev.9";
  dev.parent_volume = "api.main.0";
  dev.base_snapshot = first.taken->name;
  ASSERT_TRUE(store_->insert_branch(dev).ok());
  wal_at(2);
  auto user = core::create_snapshot(*ctx_, {"api", "main"}, "keep me");
  ASSERT_TRUE(user.ok()) << user.error().message;

  // 20 minutes at one snapshot a minute, retention 10 minutes.
  for (int m = 1; m <= 20; ++m) {
    clock_.advance(minutes(1));
    wal_at(2 + m);
    auto done = maintain();
    EXPECT_TRUE(done.taken.has_value()) << "minute " << m;
  }
  auto ids = snapshot_ids();
  EXPECT_NE(std::find(ids.begin(), ids.end(), first.taken->id), ids.end()) << "dev's base";
  EXPECT_NE(std::find(ids.begin(), ids.end(), user->id), ids.end()) << "user snapshot";
  // now = created + 20.5 min: the window starts at 10.5 min; the
  // scheduled ones at 10.5..20.5 min are inside it (a snapshot serves from
  // 1 ms after it), the one at 9.5 min serves its start.
  EXPECT_EQ(ids.size(), 2u + 11u + 1u);
  // The oldest kept snapshot (dev's base, segment 1) holds all the WAL.
  EXPECT_EQ(archived(), 22u);

  // dev goes: its base is past retention now, and the WAL from the user
  // snapshot's redo (segment 2) on stays.
  ASSERT_TRUE(store_->delete_branch("api", "dev").ok());
  auto after = maintain();
  EXPECT_EQ(after.pruned.size(), 1u);
  EXPECT_EQ(after.wal_files_removed, 1u);
  EXPECT_EQ(archived(), 21u);
  EXPECT_EQ(snapshot_ids().size(), 13u);
  // Stopped, main is not snapshotted; pruning still runs.
  clock_.advance(minutes(5));
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());
  auto stopped = maintain();
  EXPECT_FALSE(stopped.taken.has_value());
  EXPECT_FALSE(stopped.notes.empty());
  EXPECT_EQ(stopped.pruned.size(), 5u);
}

TEST_F(MaintainTest, DoctorSaysWhetherItRan) {
  EXPECT_EQ(core::check_maintained(*ctx_).status, "warn");
  wal_at(1);
  ASSERT_TRUE(core::maintain_home(*ctx_).ok());
  EXPECT_EQ(core::check_maintained(*ctx_).status, "ok");
  clock_.advance(minutes(10));
  EXPECT_EQ(core::check_maintained(*ctx_).status, "warn");
}

}  // namespace
}  // namespace velo::testing
