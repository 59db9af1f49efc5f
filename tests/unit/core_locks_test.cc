// Project locks leave no file for a project that does not exist.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/locks.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

TEST_F(CoreTest, ARefusedCommandOnAnUnknownProjectLeavesNoLockFile) {
  core::CreateBranchOptions options{{"nope", "x"}, std::nullopt, true};
  auto created = core::create_branch(*ctx_, options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::NotFound);
  EXPECT_FALSE(path_exists(home_ + "/locks/nope.lock"));
}

TEST_F(CoreTest, AKnownProjectsLockFileStays) {
  seed_project("shop");
  { ASSERT_TRUE(core::lock_project(*ctx_, "shop").ok()); }
  EXPECT_TRUE(path_exists(home_ + "/locks/shop.lock"));
  { ASSERT_TRUE(core::lock_project(*ctx_, "gone").ok()); }
  EXPECT_FALSE(path_exists(home_ + "/locks/gone.lock"));
}

}  // namespace
}  // namespace velo::testing
