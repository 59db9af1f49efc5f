// Space accounting: measures are cached for their age, a project adds up
// its branches, the volumes kept for snapshots and its archives, and the
// reserve refuses work on a nearly full pool.
#include <gtest/gtest.h>

#include "core/history/wal_archive.h"
#include "core/space/measure.h"
#include "core/space/pool.h"
#include "core/space/project_space.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

using namespace std::chrono_literals;

class SpaceTest : public CoreTest {};

TEST_F(SpaceTest, MeasuresAreReusedForTheirAgeOnly) {
  seed_project("p");
  const std::vector<std::string> volumes{"p.main.0"};
  driver_->spaces["p.main.0"] = {1000, 300, 7};
  auto first = core::measure_volumes(*ctx_, volumes, 600s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first["p.main.0"].space.unique_bytes, 300u);
  EXPECT_EQ(driver_->space_reads, 1);

  driver_->spaces["p.main.0"] = {2000, 600, 7};
  clock_.advance(60s);
  auto reused = core::measure_volumes(*ctx_, volumes, 600s);
  EXPECT_EQ(reused["p.main.0"].space.unique_bytes, 300u) << "a measure a minute old is reused";
  EXPECT_EQ(reused["p.main.0"].measured_at, first["p.main.0"].measured_at)
      << "and says when it was measured, as it did then";
  EXPECT_EQ(driver_->space_reads, 1);

  EXPECT_EQ(core::measure_volumes(*ctx_, volumes, 0s)["p.main.0"].space.unique_bytes, 600u)
      << "an age of zero measures now";
  EXPECT_EQ(driver_->space_reads, 2);

  driver_->spaces["p.main.0"] = {3000, 900, 7};
  clock_.advance(601s);
  EXPECT_EQ(core::measure_volumes(*ctx_, volumes, 600s)["p.main.0"].space.unique_bytes, 900u)
      << "an old measure is measured again";
}

TEST_F(SpaceTest, AGoneVolumeCountsItsArchiveOnly) {
  const std::string dir = core::archive_dir_of(ctx_->config, ctx_->driver, "p.gone.1");
  ASSERT_TRUE(core::make_archive_dir(dir).ok());
  ASSERT_TRUE(
      write_file_atomic(dir + "/000000010000000000000001", std::string(100, 'w'), 0600).ok());
  auto measures = core::measure_volumes(*ctx_, {"p.gone.1"}, 0s);
  ASSERT_EQ(measures.size(), 1u);
  EXPECT_EQ(measures["p.gone.1"].space.unique_bytes, 0u);
  EXPECT_EQ(measures["p.gone.1"].archive_bytes, 100u);
}

TEST_F(SpaceTest, AProjectAddsUpBranchesKeptVolumesAndArchives) {
  seed_project("p", {.running = false, .archive = true});
  seed_project("q");
  driver_->spaces["p.main.0"] = {1000, 300, 20};
  // An earlier incarnation, kept for a snapshot a branch was cloned from.
  ASSERT_TRUE(driver_->create_volume("p.main.old").ok());
  driver_->spaces["p.main.old"] = {900, 50, 5};
  state::SnapshotRecord kept;
  kept.project = "p";
  kept.branch = "main";
  kept.volume = "p.main.old";
  kept.name = "velo-9";
  kept.created_at = "2026-11-24T00:00:00.000Z";
  kept.kind = "user";
  ASSERT_TRUE(ctx_->store.insert_snapshot(kept).ok());
  const std::string archive = core::archive_dir_of(ctx_->config, ctx_->driver, "p.main.0");
  ASSERT_TRUE(
      write_file_atomic(archive + "/000000010000000000000001", std::string(64, 'w'), 0600).ok());

  auto volumes = core::project_volumes(*ctx_, "p");
  ASSERT_TRUE(volumes.ok());
  EXPECT_EQ(*volumes, (std::vector<std::string>{"p.main.0", "p.main.old"}));

  auto space = core::project_space(*ctx_, "p", 0s);
  ASSERT_TRUE(space.ok()) << space.error().message;
  EXPECT_EQ(space->logical_bytes, 1000u);
  EXPECT_EQ(space->unique_bytes, 300u);
  EXPECT_EQ(space->snapshot_bytes, 20u + 5u + 50u);
  EXPECT_EQ(space->archive_bytes, 64u);
  EXPECT_EQ(space->total_bytes(), 300u + 75u + 64u);

  auto all = core::project_spaces(*ctx_, 600s);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)["q"].unique_bytes, 4096u);
}

TEST_F(SpaceTest, ReserveRefusesBelowItsShareOnly) {
  ctx_->config.reserve_percent = 5;
  driver_->pool = {1000ULL << 20, 940ULL << 20, 60 << 20};
  EXPECT_TRUE(core::check_reserve(*ctx_, "create branch p/b").ok());
  driver_->pool.free_bytes = 40 << 20;
  Status refused = core::check_reserve(*ctx_, "create branch p/b");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
  EXPECT_NE(refused.error().message.find("cannot create branch p/b"), std::string::npos);
  EXPECT_NE(refused.error().message.find("reserve of 5%"), std::string::npos);
  EXPECT_EQ(core::check_pool(*ctx_).status, "warn");
  ctx_->config.reserve_percent = 0;
  EXPECT_TRUE(core::check_reserve(*ctx_, "create branch p/b").ok());
}

// Without a reserve, a pool still needs room for a CHECKPOINT: one that
// cannot write its WAL segment or pg_control PANICs the parent.
TEST_F(SpaceTest, NoReserveStillKeepsRoomForACheckpoint) {
  ctx_->config.reserve_percent = 0;
  driver_->pool = {1000ULL << 20, 990ULL << 20, 10 << 20};
  Status refused = core::check_reserve(*ctx_, "create branch p/b");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
  EXPECT_NE(refused.error().message.find("a CHECKPOINT may need"), std::string::npos)
      << refused.error().message;
  driver_->pool.free_bytes = core::kCheckpointRoom;
  EXPECT_TRUE(core::check_reserve(*ctx_, "create branch p/b").ok());
}

// A command that failed midway on a pool that filled meanwhile says so,
// with the free space; other failures, and interrupts, stay as they were.
TEST_F(SpaceTest, AFailureOnAPoolThatFilledSaysThePoolIsFull) {
  ctx_->config.reserve_percent = 5;
  const Error server{ErrorKind::Io, "ERROR:  checkpoint request failed"};
  driver_->pool = {1000ULL << 20, 900ULL << 20, 100 << 20};
  EXPECT_EQ(core::explain_if_pool_full(*ctx_, "create branch p/b", server).message, server.message)
      << "room on the pool: the failure is not the pool's";
  Error enospc{ErrorKind::Io, "could not write: No space left on device"};
  EXPECT_NE(core::explain_if_pool_full(*ctx_, "create branch p/b", enospc)
                .message.find("ran out of space"),
            std::string::npos)
      << "ENOSPC is the pool's, whatever it has free now";
  Error zfs_full{ErrorKind::Io,
                 "zfs create -o compression=on tank/velo/p.b.4.wal: cannot create "
                 "'tank/velo/p.b.4.wal': out of space"};
  EXPECT_NE(core::explain_if_pool_full(*ctx_, "create branch p/b", zfs_full)
                .message.find("ran out of space"),
            std::string::npos)
      << "zfs's words for ENOSPC too";

  driver_->pool.free_bytes = 20 << 20;  // below the reserve of 50 MiB
  Error full = core::explain_if_pool_full(*ctx_, "create branch p/b", server);
  EXPECT_EQ(full.kind, ErrorKind::Io);
  EXPECT_EQ(full.message.find("cannot create branch p/b: the pool ran out of space"), 0u)
      << full.message;
  EXPECT_NE(full.message.find("20.0 MiB free"), std::string::npos) << full.message;
  EXPECT_EQ(full.message.find("checkpoint"), std::string::npos) << "not the server's words";

  const Error interrupted{ErrorKind::Interrupted, "interrupted"};
  EXPECT_EQ(core::explain_if_pool_full(*ctx_, "create branch p/b", interrupted).kind,
            ErrorKind::Interrupted);
}

TEST_F(SpaceTest, DoctorWarnsAboveEightyFivePercent) {
  driver_->pool = {100 << 20, 80 << 20, 20 << 20};
  EXPECT_EQ(core::check_pool(*ctx_).status, "ok");
  driver_->pool = {100 << 20, 86 << 20, 14 << 20};
  core::Finding full = core::check_pool(*ctx_);
  EXPECT_EQ(full.status, "warn");
  EXPECT_NE(full.detail.find("86% used"), std::string::npos) << full.detail;
}

TEST(UsedPercentTest, RoundsUpAsDfDoes) {
  EXPECT_EQ(core::used_percent({0, 0, 0}), 0);
  EXPECT_EQ(core::used_percent({1000, 0, 1000}), 0);
  EXPECT_EQ(core::used_percent({1000, 1, 999}), 1);
  EXPECT_EQ(core::used_percent({1000, 850, 150}), 85);
  EXPECT_EQ(core::used_percent({1000, 1000, 0}), 100);
}

}  // namespace
}  // namespace velo::testing
