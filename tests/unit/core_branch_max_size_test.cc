// Branch caps (--max-size) against fakes: a branch's cap, or its project's
// default, reaches the storage before the server runs, is kept in the
// row, follows the branch to its new volume on reset, and a cap that
// cannot be set leaves nothing behind.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/branch/max_size.h"
#include "support/core_fixture.h"

namespace velo::testing {
namespace {

constexpr uint64_t k64M = uint64_t{64} << 20;

class MaxSizeTest : public CoreTest {
 protected:
  Result<core::BranchHandle> create(const std::string& branch,
                                    std::optional<std::optional<uint64_t>> max_size) {
    core::CreateBranchOptions options;
    options.name = {"api", branch};
    options.max_size = max_size;
    return core::create_branch(*ctx_, options);
  }
};

TEST_F(MaxSizeTest, ParsesSizesAndNone) {
  EXPECT_EQ(*core::parse_max_size("64M"), k64M);
  EXPECT_EQ(*core::parse_max_size("20G"), uint64_t{20} << 30);
  EXPECT_EQ(*core::parse_max_size("none"), std::nullopt);
  for (const char* bad : {"", "12Q", "-5M", "1.5G", "0", "15M", "99999999999T"}) {
    auto parsed = core::parse_max_size(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid) << bad;
  }
}

TEST_F(MaxSizeTest, CapReachesTheStorageAndTheRow) {
  seed_project("api");
  auto made = create("dev", k64M);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(driver_->limits.at(made->branch.volume), k64M);
  EXPECT_EQ(branch_row("api", "dev").max_size_bytes, k64M);
  EXPECT_EQ(branch_row("api", "main").max_size_bytes, std::nullopt);
}

TEST_F(MaxSizeTest, ProjectDefaultUnlessTheBranchSaysOtherwise) {
  seed_project("api");
  ASSERT_TRUE(core::set_project_max_size(*ctx_, "api", k64M).ok());
  auto by_default = create("a", std::nullopt);
  ASSERT_TRUE(by_default.ok()) << by_default.error().message;
  EXPECT_EQ(branch_row("api", "a").max_size_bytes, k64M);
  auto own = create("b", uint64_t{1} << 30);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(branch_row("api", "b").max_size_bytes, uint64_t{1} << 30);
  auto none = create("c", std::optional<uint64_t>());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(branch_row("api", "c").max_size_bytes, std::nullopt);
  EXPECT_EQ(driver_->limits.count(none->branch.volume), 0u);
  // Existing branches keep theirs when the default goes.
  ASSERT_TRUE(core::set_project_max_size(*ctx_, "api", std::nullopt).ok());
  EXPECT_EQ(branch_row("api", "a").max_size_bytes, k64M);
  EXPECT_EQ(ctx_->store.project("api")->value().max_size_bytes, std::nullopt);
  EXPECT_EQ(core::set_project_max_size(*ctx_, "nope", k64M).error().kind, ErrorKind::NotFound);
}

TEST_F(MaxSizeTest, WithoutQuotasNothingIsMade) {
  seed_project("api");
  driver_->quotas = false;
  const std::string before = world();
  auto made = create("dev", k64M);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Invalid);  // exit 2: the pool cannot do what was asked
  EXPECT_NE(made.error().message.find("no quotas"), std::string::npos) << made.error().message;
  EXPECT_EQ(world(), before);
  // A project default is refused the same way; no cap asked, no question.
  EXPECT_EQ(core::set_project_max_size(*ctx_, "api", k64M).error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(create("free", std::nullopt).ok());
}

TEST_F(MaxSizeTest, FailedCapRollsTheCloneBack) {
  seed_project("api");
  const std::string before = world();
  driver_->fail_next("set_size_limit");
  auto made = create("dev", k64M);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(world(), before);
  EXPECT_TRUE(runtime_.running().empty());
}

TEST_F(MaxSizeTest, ResetCapsTheNewVolume) {
  seed_project("api");
  auto made = create("dev", k64M);
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto reset = core::reset_branch(*ctx_, {"api", "dev"});
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  const std::string volume = branch_row("api", "dev").volume;
  EXPECT_NE(volume, made->branch.volume);
  EXPECT_EQ(driver_->limits.at(volume), k64M);
  EXPECT_EQ(branch_row("api", "dev").max_size_bytes, k64M);
}

TEST_F(MaxSizeTest, ResetWhoseCapFailsKeepsTheBranchAsItWas) {
  seed_project("api");
  auto made = create("dev", k64M);
  ASSERT_TRUE(made.ok()) << made.error().message;
  const std::string before = world();
  driver_->fail_next("set_size_limit");
  ASSERT_FALSE(core::reset_branch(*ctx_, {"api", "dev"}).ok());
  EXPECT_EQ(world(), before);
  EXPECT_EQ(driver_->limits.at(made->branch.volume), k64M);
}

}  // namespace
}  // namespace velo::testing
