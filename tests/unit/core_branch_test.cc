// Core branch operations against fakes: the state and storage effects of
// create, delete and failures midway, without root or a server.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/project/orphans.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

core::CreateBranchOptions stopped_branch(const std::string& project, const std::string& name,
                                         const std::string& parent = "main") {
  return {{project, name}, core::BranchName{project, parent}, false};
}

TEST_F(CoreTest, CreateWithoutStartRecordsBranchSnapshotAndClone) {
  seed_project("api");
  auto handle = core::create_branch(*ctx_, stopped_branch("api", "dev"));
  ASSERT_TRUE(handle.ok()) << handle.error().message;
  EXPECT_EQ(handle->branch.status, "ready");
  EXPECT_EQ(handle->branch.parent, "main");
  EXPECT_NE(handle->branch.port, 40000);
  EXPECT_EQ(driver_->clone_of[handle->branch.volume], "api.main.0@" + handle->branch.base_snapshot);
  auto snapshots = store_->snapshots("api");
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->at(0).for_branch, "dev");
  // velo's own settings were written into the clone.
  EXPECT_TRUE(path_exists(handle->spec.data_dir + "/velo.conf"));
}

TEST_F(CoreTest, CreateRefusesExistingNameAndUnknownParent) {
  seed_project("api");
  ASSERT_TRUE(core::create_branch(*ctx_, stopped_branch("api", "dev")).ok());
  auto again = core::create_branch(*ctx_, stopped_branch("api", "dev"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
  auto orphan = core::create_branch(*ctx_, stopped_branch("api", "x", "nosuch"));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(count_rows("branches"), 2);
}

TEST_F(CoreTest, FailedCloneRollsBackRowAndSnapshot) {
  seed_project("api");
  driver_->fail_next("clone");
  auto handle = core::create_branch(*ctx_, stopped_branch("api", "dev"));
  ASSERT_FALSE(handle.ok());
  EXPECT_EQ(count_rows("branches"), 1);
  EXPECT_EQ(count_rows("snapshots"), 0);
  EXPECT_TRUE(driver_->snapshots.empty());
  EXPECT_EQ(driver_->volumes.size(), 1u);
}

TEST_F(CoreTest, FailedStartRollsBackEverything) {
  seed_project("api");
  core::CreateBranchOptions options = stopped_branch("api", "dev");
  options.start = true;
  runtime_.start_fails = true;
  auto handle = core::create_branch(*ctx_, options);
  ASSERT_FALSE(handle.ok());
  EXPECT_EQ(count_rows("branches"), 1);
  EXPECT_TRUE(driver_->snapshots.empty());
  EXPECT_EQ(driver_->volumes.size(), 1u);
  auto orphans = core::find_orphans(*ctx_);
  ASSERT_TRUE(orphans.ok());
  EXPECT_TRUE(orphans->empty());
}

TEST_F(CoreTest, DeleteRefusesChildrenUnlessForced) {
  seed_project("api");
  ASSERT_TRUE(core::create_branch(*ctx_, stopped_branch("api", "a")).ok());
  ASSERT_TRUE(core::create_branch(*ctx_, stopped_branch("api", "b", "a")).ok());
  Status refused = core::delete_branch(*ctx_, {"api", "a"}, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(count_rows("branches"), 3);

  Status forced = core::delete_branch(*ctx_, {"api", "a"}, true);
  ASSERT_TRUE(forced.ok()) << forced.error().message;
  EXPECT_EQ(count_rows("branches"), 1);
  EXPECT_EQ(count_rows("snapshots"), 0);
  EXPECT_TRUE(driver_->snapshots.empty());
  EXPECT_EQ(driver_->volumes.size(), 1u);
}

TEST_F(CoreTest, DeletingMainIsRefused) {
  seed_project("api");
  Status status = core::delete_branch(*ctx_, {"api", "main"}, true);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Invalid);
}

TEST_F(CoreTest, DependentCloneRetiresInsteadOfFailing) {
  seed_project("api");
  ASSERT_TRUE(core::create_branch(*ctx_, stopped_branch("api", "dev")).ok());
  // A volume that a branch was cloned from is kept while the branch is
  // recorded; its base snapshot, which the clone depends on, is retired.
  Status kept = core::destroy_or_retire(*ctx_, "api.main.0", "");
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(count_rows("retired"), 0);
  EXPECT_EQ(driver_->volumes.count("api.main.0"), 1u);
  auto dev = store_->branch("api", "dev");
  ASSERT_TRUE(dev.ok() && dev->has_value());
  Status retired = core::destroy_or_retire(*ctx_, "api.main.0", (*dev)->base_snapshot);
  ASSERT_TRUE(retired.ok()) << retired.error().message;
  EXPECT_EQ(count_rows("retired"), 1);
}

TEST_F(CoreTest, OrphanVolumeIsFoundAndRemoved) {
  seed_project("api");
  ASSERT_TRUE(driver_->create_volume("api.ghost.99").ok());
  auto orphans = core::find_orphans(*ctx_);
  ASSERT_TRUE(orphans.ok());
  ASSERT_EQ(orphans->size(), 1u);
  EXPECT_EQ(orphans->at(0).what, "api.ghost.99");
  ASSERT_TRUE(core::remove_orphan(*ctx_, orphans->at(0)).ok());
  EXPECT_EQ(driver_->volumes.count("api.ghost.99"), 0u);
}

TEST_F(CoreTest, PortsComeFromTheRangeAndRunOut) {
  seed_project("api");
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(core::create_branch(*ctx_, stopped_branch("api", "b" + std::to_string(i))).ok());
  }
  auto full = core::create_branch(*ctx_, stopped_branch("api", "extra"));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().kind, ErrorKind::Unavailable);
  EXPECT_EQ(count_rows("branches"), 10);
}

}  // namespace
}  // namespace velo::testing
