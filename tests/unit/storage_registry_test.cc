// make_driver's table and detect_best_driver's probe.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/statfs.h>

#include "storage/dir_layout.h"
#include "storage/driver.h"
#include "storage/reflink_driver.h"
#include "support/fake_runner.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

using velo::testing::FakeRunner;

TEST(MakeDriverTest, EachKindByName) {
  FakeRunner runner;
  runner.succeed({"zfs", "get"}, "/tank/velo\n");
  for (const char* kind : {"btrfs", "reflink", "copy"}) {
    auto driver = make_driver(DriverConfig{kind, "", "/srv/velo"}, runner);
    ASSERT_TRUE(driver.ok()) << kind << ": " << driver.error().message;
    EXPECT_EQ((*driver)->name(), kind);
    EXPECT_EQ((*driver)->volume_path("v"), "/srv/velo/volumes/v");
  }
  auto zfs = make_driver(DriverConfig{"zfs", "tank/velo"}, runner);
  ASSERT_TRUE(zfs.ok()) << zfs.error().message;
  EXPECT_EQ((*zfs)->name(), "zfs");
  EXPECT_EQ((*zfs)->volume_path("v"), "/tank/velo/v");
}

TEST(MakeDriverTest, UnknownKindAndMissingPathAreInvalid) {
  FakeRunner runner;
  auto unknown = make_driver(DriverConfig{"lvm"}, runner);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::Invalid);
  EXPECT_NE(unknown.error().message.find("reflink"), std::string::npos);
  auto relative = make_driver(DriverConfig{"copy", "", "relative/dir"}, runner);
  ASSERT_FALSE(relative.ok());
  EXPECT_EQ(relative.error().kind, ErrorKind::Invalid);
}

TEST(DetectTest, MatchesTheFilesystemOfTmp) {
  char tmpl[] = "/tmp/velo-detect-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  struct statfs fs;
  ASSERT_EQ(statfs(dir.c_str(), &fs), 0);
  std::string expected = fs.f_type == BTRFS_SUPER_MAGIC ? "btrfs"
                         : reflink_supported(dir)       ? "reflink"
                                                        : "copy";
  EXPECT_EQ(detect_best_driver(dir), expected);
  // A home that does not exist yet is judged by its nearest ancestor.
  EXPECT_EQ(detect_best_driver(dir + "/not/yet/made"), expected);
  auto left = *list_dir(dir);
  EXPECT_TRUE(left.empty()) << "the probe left files behind";
  (void)remove_tree(dir);
}

}  // namespace
}  // namespace velo::storage
