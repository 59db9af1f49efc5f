// velo maintain against fakes, with the clock stepped: scheduled
// snapshots when due, pruning past retention, and what is kept (the
// window's start, user snapshots, a branch's base) with the WAL they need.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/history/maintain.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/project/maintain_check.h"
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
    archive_ = core::archive_dir_of(ctx_->config, ctx_->driver, "api.main.0");
  }
  // main's WAL now reaches segment `segno`, all of it archived.
  void wal_at(int segno) {
    for (int s = 1; s <= segno; ++s) {
      std::string path = archive_ + "/" + core::segment_file_name(1, s);
      ASSERT_TRUE(write_file_atomic(path, "0123456789", 0600).ok());
    }
    const std::string lsn = fmt::format("0/{:X}000028", segno);
    pg_.on("pg_current_wal_lsn() END::text", {{lsn}});
    pg_.on("pg_control_checkpoint()", {{lsn, "0/1000028", "f"}});  // far: CHECKPOINT
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
  ASSERT_EQ(first.taken.size(), 1u);  // none yet: due at once
  EXPECT_EQ(first.taken[0].kind, "scheduled");
  EXPECT_TRUE(maintain().taken.empty());  // idempotent: not due again
  clock_.advance(seconds(30));
  EXPECT_TRUE(maintain().taken.empty());

  // A branch cloned from the first snapshot, and a user snapshot.
  state::BranchRecord dev = branch_row("api", "main");
  dev.name = "dev";
  dev.parent = "main";
  dev.port += 1;
  dev.volume = "api.dev.9";
  dev.parent_volume = "api.main.0";
  dev.base_snapshot = first.taken[0].name;
  ASSERT_TRUE(store_->insert_branch(dev).ok());
  wal_at(2);
  auto user = core::create_snapshot(*ctx_, {"api", "main"}, "keep me");
  ASSERT_TRUE(user.ok()) << user.error().message;

  // 20 minutes at one snapshot a minute, retention 10 minutes.
  for (int m = 1; m <= 20; ++m) {
    clock_.advance(minutes(1));
    wal_at(2 + m);
    auto done = maintain();
    EXPECT_EQ(done.taken.size(), 1u) << "minute " << m;
  }
  auto ids = snapshot_ids();
  EXPECT_NE(std::find(ids.begin(), ids.end(), first.taken[0].id), ids.end()) << "dev's base";
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
  // Stopped by the user, main is not snapshotted; pruning still runs.
  clock_.advance(minutes(5));
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());
  state::BranchRecord main = branch_row("api", "main");
  main.stopped_by_user = true;
  ASSERT_TRUE(store_->update_branch(main).ok());
  auto stopped = maintain();
  EXPECT_TRUE(stopped.restarted.empty());
  EXPECT_TRUE(stopped.taken.empty());
  EXPECT_FALSE(stopped.notes.empty());
  EXPECT_EQ(stopped.pruned.size(), 5u);
}

// A main whose server went away without velo (killed, a power loss, a
// full disk) comes back, and takes the snapshot that fell due meanwhile;
// one that cannot start is a note with the reason.
TEST_F(MaintainTest, StartsACrashedBranchAgain) {
  wal_at(1);
  ASSERT_EQ(maintain().taken.size(), 1u);
  clock_.advance(minutes(2));
  ASSERT_TRUE(runtime_.stop(handle("api", "main").spec).ok());
  runtime_.start_fails = true;
  auto failed = maintain();
  EXPECT_TRUE(failed.restarted.empty());
  ASSERT_FALSE(failed.notes.empty());
  EXPECT_THAT(failed.notes.front(), ::testing::StartsWith("api/main crashed and did not start: "));
  runtime_.start_fails = false;
  auto back = maintain();
  EXPECT_EQ(back.restarted, std::vector<std::string>{"api/main"});
  EXPECT_EQ(back.taken.size(), 1u);
  EXPECT_TRUE(runtime_.is_running(handle("api", "main").spec.data_dir));
}

// velo doctor's "maintenance" finding, with the host's systemd in the
// test's home: never ran, ran lately, fell behind, failed; a timer whose
// units are there, active or not.
class MaintenanceCheckTest : public MaintainTest {
 protected:
  void SetUp() override {
    MaintainTest::SetUp();
    host_.unit_dir = home_ + "/units";
    host_.run_dir = home_ + "/run-systemd";
    host_.systemctl = "/fake/systemctl";
    ASSERT_TRUE(make_dirs(host_.unit_dir, 0755).ok());
  }
  core::Finding check() { return core::check_maintenance(*ctx_, host_); }
  void install_timer() {
    ASSERT_TRUE(make_dirs(host_.run_dir, 0755).ok());
    auto units = core::maintain_units(home_, "/usr/bin/velo", "root");
    ASSERT_TRUE(units.ok());
    runner_.succeed({"/fake/systemctl", "is-active"}, "active\n");
    ASSERT_TRUE(core::install_maintain_timer(runner_, host_, *units).ok());
    timer_ = units->timer;
  }
  core::SystemdHost host_;
  std::string timer_;
};

TEST_F(MaintenanceCheckTest, NoTimerWarnsUnlessSomethingElseRunsIt) {
  core::Finding never = check();
  EXPECT_EQ(never.check, "maintenance");
  EXPECT_EQ(never.status, "warn");
  EXPECT_THAT(never.detail, ::testing::HasSubstr("last ran never"));
  EXPECT_THAT(never.detail, ::testing::HasSubstr("velo maintain --every 60s"));
  wal_at(1);
  ASSERT_TRUE(core::maintain_home(*ctx_).ok());
  // velo maintain --every 60s, or velo serve --maintain.
  core::Finding ran = check();
  EXPECT_EQ(ran.status, "ok") << ran.detail;
  EXPECT_THAT(ran.detail, ::testing::HasSubstr("last ran " + format_utc(clock_.now()) + " (ok)"));
  clock_.advance(minutes(10));
  EXPECT_EQ(check().status, "warn");
}

TEST_F(MaintenanceCheckTest, StaleAfterFiveMinutesOrASnapshotInterval) {
  ASSERT_TRUE(store_->db().run("UPDATE projects SET snapshot_every_s = 3600").ok());
  wal_at(1);
  ASSERT_TRUE(core::maintain_home(*ctx_).ok());
  clock_.advance(minutes(4));
  EXPECT_EQ(check().status, "ok");
  clock_.advance(minutes(2));
  EXPECT_EQ(check().status, "warn");
  // Snapshots every minute: two minutes behind is too late.
  ASSERT_TRUE(store_->db().run("UPDATE projects SET snapshot_every_s = 60").ok());
  ASSERT_TRUE(core::maintain_home(*ctx_).ok());
  clock_.advance(seconds(90));
  EXPECT_EQ(check().status, "ok");
  clock_.advance(seconds(60));
  EXPECT_EQ(check().status, "warn");
}

TEST_F(MaintenanceCheckTest, AFailedRunIsRecordedWithItsReason) {
  wal_at(1);
  fail_writes("snapshots", "INSERT");
  auto done = core::maintain_home(*ctx_);
  ASSERT_TRUE(done.ok()) << done.error().message;  // a project's failure is a note
  auto last = core::last_maintain(*store_);
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_FALSE((*last)->ok);
  EXPECT_THAT((*last)->reason, ::testing::StartsWith("api: "));
  core::Finding failed = check();
  EXPECT_EQ(failed.status, "warn");
  EXPECT_THAT(failed.detail, ::testing::HasSubstr("and failed: api: "));
}

TEST_F(MaintenanceCheckTest, AnActiveTimerThatRanIsOk) {
  install_timer();
  core::Finding waiting = check();
  EXPECT_EQ(waiting.status, "warn");  // not run yet
  EXPECT_THAT(waiting.detail, ::testing::HasSubstr("journalctl -u "));
  wal_at(1);
  ASSERT_TRUE(core::maintain_home(*ctx_).ok());
  core::Finding ok = check();
  EXPECT_EQ(ok.status, "ok") << ok.detail;
  EXPECT_THAT(ok.detail, ::testing::HasSubstr("timer " + timer_ + " active"));
  EXPECT_EQ(runner_.lines().back(), "/fake/systemctl is-active " + timer_);

  runner_.on({"/fake/systemctl", "is-active"}, {3, "inactive\n", ""});
  core::Finding inactive = check();
  EXPECT_EQ(inactive.status, "warn");
  EXPECT_THAT(inactive.detail, ::testing::HasSubstr("systemctl enable --now " + timer_));
}

}  // namespace
}  // namespace velo::testing
