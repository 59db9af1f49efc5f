// What a merge checks before it changes anything: the target is an
// ancestor and runs, databases agree on encoding; each refusal is Invalid
// (exit 2) and leaves the world as it was.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/merge/checks.h"
#include "core/merge/merge_op.h"
#include "support/core_fixture.h"

namespace velo::testing {
namespace {

class MergeChecksTest : public CoreTest {
 protected:
  // main <- dev <- feature, and main <- other; none started.
  void SetUp() override {
    CoreTest::SetUp();
    seed_project("api");
    for (auto [name, parent] : {std::pair{"dev", "main"}, {"feature", "dev"}, {"other", "main"}}) {
      core::CreateBranchOptions options;
      options.name = {"api", name};
      options.parent = core::BranchName{"api", parent};
      options.start = false;
      auto made = core::create_branch(*ctx_, options);
      ASSERT_TRUE(made.ok()) << made.error().message;
    }
  }

  Result<core::BranchHandle> target(const std::string& source,
                                    std::optional<std::string> into = std::nullopt) {
    std::optional<core::BranchName> name;
    if (into) name = core::BranchName{"api", *into};
    return core::merge_target(*ctx_, handle("api", source), name);
  }
};

TEST_F(MergeChecksTest, TheParentByDefaultAndAnyAncestorWithInto) {
  auto parent = target("feature");
  ASSERT_TRUE(parent.ok()) << parent.error().message;
  EXPECT_EQ(parent->branch.name, "dev");
  auto grandparent = target("feature", "main");
  ASSERT_TRUE(grandparent.ok()) << grandparent.error().message;
  EXPECT_EQ(grandparent->branch.name, "main");
}

TEST_F(MergeChecksTest, RefusesItselfSiblingsDescendantsAndUnknownBranches) {
  auto itself = target("feature", "feature");
  ASSERT_FALSE(itself.ok());
  EXPECT_EQ(itself.error().kind, ErrorKind::Invalid);
  EXPECT_NE(itself.error().message.find("into itself"), std::string::npos);
  for (const char* other : {"other", "feature"}) {
    auto refused = target("dev", std::string(other));
    ASSERT_FALSE(refused.ok()) << other;
    EXPECT_EQ(refused.error().kind, ErrorKind::Invalid) << other;
    EXPECT_NE(refused.error().message.find("not an ancestor"), std::string::npos)
        << refused.error().message;
  }
  auto unknown = target("dev", "nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
  auto root = target("main");
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.error().kind, ErrorKind::Invalid);
}

TEST_F(MergeChecksTest, AStoppedTargetIsRefusedAndNothingChanges) {
  const std::string before = world();
  core::MergeOptions options;
  options.source = {"api", "feature"};
  auto merged = core::merge_branch(*ctx_, options);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().kind, ErrorKind::Invalid);
  EXPECT_NE(merged.error().message.find("api/dev is stopped"), std::string::npos)
      << merged.error().message;
  EXPECT_EQ(world(), before);
  EXPECT_EQ(count_rows("merges"), 0);
}

TEST_F(MergeChecksTest, DatabasesMustAgreeOnEncodingAndCollationProvider) {
  diff::ClusterSchema ours, theirs;
  ours.databases["app"].encoding = "UTF8";
  ours.databases["app"].collation_provider = "libc";
  theirs.databases["app"] = ours.databases["app"];
  ours.databases["only_here"].encoding = "LATIN1";  // not on both sides: fine
  EXPECT_TRUE(core::check_compatible(ours, theirs, "api/main").ok());
  theirs.databases["app"].collation_provider = "icu";
  Status refused = core::check_compatible(ours, theirs, "api/main");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Invalid);
  theirs.databases["app"].collation_provider = "libc";
  theirs.databases["app"].encoding = "SQL_ASCII";
  EXPECT_FALSE(core::check_compatible(ours, theirs, "api/main").ok());
}

}  // namespace
}  // namespace velo::testing
