#include "runtime/velo_link.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "support/temp_dir_test.h"

namespace velo::runtime {
namespace {

class VeloLinkTest : public testing::TempDirTest {
 protected:
  std::string target_of(const std::string& link) {
    std::error_code ec;
    return std::filesystem::read_symlink(link, ec).string();
  }
  ino_t inode_of(const std::string& link) {
    struct stat st {};
    EXPECT_EQ(::lstat(link.c_str(), &st), 0) << link;
    return st.st_ino;
  }
};

TEST(VeloLinkPathTest, LivesInTheDataRootsBin) {
  EXPECT_EQ(velo_link_path("/var/lib/velo/abc"), "/var/lib/velo/abc/bin/velo");
}

TEST(SelfExecutableTest, IsThisProcesssBinary) {
  std::string self = self_executable();
  EXPECT_EQ(self.front(), '/') << self;
  EXPECT_EQ(::access(self.c_str(), X_OK), 0) << self;
}

TEST_F(VeloLinkTest, CreatesTheLinkAndItsDirectory) {
  std::string link = dir_ + "/bin/velo";
  ASSERT_TRUE(refresh_link(link, "/opt/velo-1/velo").ok());
  EXPECT_EQ(target_of(link), "/opt/velo-1/velo");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u) << "the server's user must traverse it";
}

TEST_F(VeloLinkTest, LeavesARightLinkAlone) {
  std::string link = dir_ + "/bin/velo";
  ASSERT_TRUE(refresh_link(link, "/usr/bin/velo").ok());
  ino_t before = inode_of(link);
  ASSERT_TRUE(refresh_link(link, "/usr/bin/velo").ok());
  EXPECT_EQ(inode_of(link), before) << "an unchanged link was replaced";
}

TEST_F(VeloLinkTest, RepointsAStaleLinkWithoutLeftovers) {
  std::string link = dir_ + "/bin/velo";
  ASSERT_TRUE(refresh_link(link, "/tmp/gone/velo").ok());
  ASSERT_TRUE(refresh_link(link, "/usr/local/bin/velo").ok());
  EXPECT_EQ(target_of(link), "/usr/local/bin/velo");
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/bin"))
    names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"velo"}) << "temporary links left behind";
}

}  // namespace
}  // namespace velo::runtime
