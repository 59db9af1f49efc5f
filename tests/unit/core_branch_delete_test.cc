// velo branch delete against fakes: the server stops and goes, then the
// volume, the branch's snapshots, its WAL archive, the base snapshot made
// on its parent and its row. A failure before the servers are down changes
// nothing; after it, the next command on the project finishes the delete.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class DeleteTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    seed_project("api", {.archive = true});
    before_ = world();
  }
  state::BranchRecord make(const std::string& name, const std::string& parent = "main",
                           bool start = true) {
    core::CreateBranchOptions options;
    options.name = {"api", name};
    options.parent = core::BranchName{"api", parent};
    options.start = start;
    auto made = core::create_branch(*ctx_, options);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? made->branch : state::BranchRecord{};
  }

  std::string before_;  // the world with main alone
};

TEST_F(DeleteTest, RemovesEverythingOfTheBranch) {
  state::BranchRecord dev = make("dev");
  ASSERT_TRUE(core::create_snapshot(*ctx_, {"api", "dev"}, "mine").ok());
  ASSERT_TRUE(make_dirs(home_ + "/logs", 0700).ok());
  ASSERT_TRUE(write_file_atomic(home_ + "/logs/api.dev.log", "log\n", 0600).ok());
  runtime_.calls.clear();
  Status deleted = core::delete_branch(*ctx_, {"api", "dev"}, false);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(runtime_.calls, (std::vector<std::string>{"stop-immediately dev", "remove dev"}));
  EXPECT_FALSE(path_exists(core::archive_dir_of(ctx_->config, ctx_->driver, dev.volume)));
  EXPECT_EQ(world(), before_);
}

TEST_F(DeleteTest, ForceDeletesChildrenDeepestFirst) {
  make("a");
  make("b", "a");
  make("c", "b");
  make("side", "a");
  runtime_.calls.clear();
  Status deleted = core::delete_branch(*ctx_, {"api", "a"}, true);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  std::vector<std::string> stops;
  for (const auto& call : runtime_.calls) {
    if (call.starts_with("stop-immediately ")) stops.push_back(call.substr(17));
  }
  EXPECT_EQ(stops, (std::vector<std::string>{"c", "b", "side", "a"}));
  EXPECT_EQ(world(), before_);
}

TEST_F(DeleteTest, RefusesChildrenWithoutForceNamingThem) {
  make("a");
  make("b", "a");
  const std::string before = world();
  Status refused = core::delete_branch(*ctx_, {"api", "a"}, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
  EXPECT_NE(refused.error().message.find("api/b"), std::string::npos);
  EXPECT_EQ(world(), before);
}

TEST_F(DeleteTest, UnknownBranchIsNotFound) {
  Status status = core::delete_branch(*ctx_, {"api", "nope"}, false);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::NotFound);
}

TEST_F(DeleteTest, APointInTimeBranchLeavesItsSourceSnapshot) {
  auto snapshot = core::create_snapshot(*ctx_, {"api", "main"}, "");
  ASSERT_TRUE(snapshot.ok());
  state::BranchRecord past = make("past", "main", false);
  // As a point-in-time create records it: cloned from the user snapshot.
  past.base_snapshot.clear();
  past.source_snapshot = snapshot->name;
  ASSERT_TRUE(store_->update_branch(past).ok());
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "past"}, false).ok());
  EXPECT_EQ(driver_->snapshots.count("api.main.0@" + snapshot->name), 1u);
  auto kept = store_->snapshot(snapshot->id);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
}

// A failure once the servers are down: the delete has taken effect (the
// warning says gc finishes it), its rows say "deleting", and the next
// command on the project finishes it.
class DeleteFailureTest : public DeleteTest, public ::testing::WithParamInterface<FailureCase> {};

TEST_P(DeleteFailureTest, IsFinishedByTheNextCommandOnTheProject) {
  make("dev");
  Faults f = faults();
  GetParam().inject(f);
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "dev"}, false).ok());
  auto row = store_->branch("api", "dev");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->status, "deleting");
  ASSERT_TRUE(core::lock_project(*ctx_, "api").ok());
  EXPECT_EQ(world(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, DeleteFailureTest,
    ::testing::Values(FailureCase{"Remove", [](Faults& f) { f.runtime.fail_next("remove"); }},
                      FailureCase{"DestroyVolume",
                                  [](Faults& f) { f.driver.fail_next("destroy_volume"); }},
                      FailureCase{"DestroyBaseSnapshot",
                                  [](Faults& f) { f.driver.fail_next("destroy_snapshot"); }}),
    case_name);

// velo killed once the intent was recorded: the delete goes forward, with
// its server still running.
TEST_F(DeleteTest, ARecordedDeleteIsFinishedByTheNextCommand) {
  make("dev");
  make("leaf", "dev");
  for (const char* name : {"dev", "leaf"}) {
    auto row = store_->branch("api", name);
    ASSERT_TRUE(row.ok() && row->has_value());
    (*row)->status = "deleting";
    ASSERT_TRUE(store_->update_branch(**row).ok());
  }
  ASSERT_TRUE(core::lock_project(*ctx_, "api").ok());
  EXPECT_EQ(world(), before_);
}

TEST_F(DeleteTest, AFailedStopKeepsTheServerAndEverythingElse) {
  make("dev");
  const std::string before = world();
  runtime_.fail_next("stop-immediately");
  ASSERT_FALSE(core::delete_branch(*ctx_, {"api", "dev"}, false).ok());
  EXPECT_EQ(world(), before);
}

TEST_F(DeleteTest, AFailedChildStopsTheForcedDeleteBeforeItsParent) {
  make("a");
  make("b", "a");
  const std::string before = world();
  runtime_.fail_next("stop-immediately");  // b's, the first to go
  ASSERT_FALSE(core::delete_branch(*ctx_, {"api", "a"}, true).ok());
  EXPECT_EQ(world(), before);
}

TEST_F(DeleteTest, AFailedRowDeleteLeavesTheRowForTheNextCommand) {
  make("dev");
  fail_writes("branches", "DELETE");
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "dev"}, false).ok());  // with a warning
  EXPECT_EQ(count_rows("branches"), 2);
  ASSERT_TRUE(store_->db().exec("DROP TRIGGER fail_branches_DELETE").ok());
  ASSERT_TRUE(core::lock_project(*ctx_, "api").ok());
  EXPECT_EQ(world(), before_);
}

}  // namespace
}  // namespace velo::testing
