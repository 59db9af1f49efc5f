// The btrfs driver's command lines against a scripted runner; existence
// checks look at a real temporary directory.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "storage/btrfs_driver.h"
#include "support/fake_runner.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

using velo::testing::FakeRunner;

class BtrfsDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/velo-btrfs-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root = tmpl;
  }
  void TearDown() override { (void)remove_tree(root); }

  std::string root;
  FakeRunner runner;
};

TEST_F(BtrfsDriverTest, CommandLines) {
  BtrfsDriver driver(root, runner);
  ASSERT_TRUE(driver.create_volume("a.main.1").ok());
  ASSERT_TRUE(make_dirs(root + "/volumes/a.main.1", 0755).ok());  // what btrfs would make
  ASSERT_TRUE(driver.snapshot("a.main.1", "s1").ok());
  ASSERT_TRUE(make_dirs(root + "/snapshots/a.main.1@s1", 0755).ok());
  ASSERT_TRUE(driver.clone("a.main.1", "s1", "a.dev.1").ok());
  ASSERT_TRUE(driver.destroy_volume("a.main.1").ok());
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "btrfs subvolume create " + root + "/volumes/a.main.1",
                                "btrfs subvolume snapshot -r " + root + "/volumes/a.main.1 " +
                                    root + "/snapshots/a.main.1@s1",
                                "btrfs subvolume snapshot " + root + "/snapshots/a.main.1@s1 " +
                                    root + "/volumes/a.dev.1",
                                "btrfs subvolume delete " + root + "/snapshots/a.main.1@s1",
                                "btrfs subvolume delete " + root + "/volumes/a.main.1",
                            }));
  EXPECT_EQ(driver.volume_path("a.dev.1"), root + "/volumes/a.dev.1");
}

TEST_F(BtrfsDriverTest, ExistenceAndNames) {
  BtrfsDriver driver(root, runner);
  ASSERT_TRUE(make_dirs(root + "/volumes/a", 0755).ok());
  EXPECT_EQ(driver.create_volume("a").error().kind, ErrorKind::Conflict);
  EXPECT_EQ(driver.snapshot("b", "s").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.clone("a", "nos", "c").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.destroy_volume("zz").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.create_volume("..").error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(BtrfsDriverTest, ListsFromDirectories) {
  BtrfsDriver driver(root, runner);
  ASSERT_TRUE(make_dirs(root + "/volumes/b", 0755).ok());
  ASSERT_TRUE(make_dirs(root + "/volumes/a", 0755).ok());
  ASSERT_TRUE(make_dirs(root + "/snapshots/a@s2", 0755).ok());
  ASSERT_TRUE(make_dirs(root + "/snapshots/ab@s9", 0755).ok());
  EXPECT_EQ(*driver.list_volumes(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*driver.list_snapshots("a"), (std::vector<std::string>{"s2"}));
}

TEST_F(BtrfsDriverTest, SpaceFromOneDuOfVolumeAndSnapshots) {
  BtrfsDriver driver(root, runner);
  ASSERT_TRUE(make_dirs(root + "/volumes/a", 0755).ok());
  ASSERT_TRUE(make_dirs(root + "/snapshots/a@s1", 0755).ok());
  ASSERT_TRUE(make_dirs(root + "/snapshots/a@s2", 0755).ok());
  runner.succeed({"btrfs", "filesystem", "du"},
                 "     Total   Exclusive  Set shared  Filename\n"
                 "   4194304     1048576     3145728  " +
                     root + "/volumes/a\n   4194304     4096  -  " + root +
                     "/snapshots/a@s1\n   4194304     8192  -  " + root + "/snapshots/a@s2\n");
  auto space = driver.volume_space("a");
  ASSERT_TRUE(space.ok()) << space.error().message;
  EXPECT_EQ(space->logical_bytes, 4194304u);
  EXPECT_EQ(space->unique_bytes, 1048576u);
  EXPECT_EQ(space->snapshot_bytes, 12288u);
  EXPECT_EQ(runner.lines().back(), "btrfs filesystem du -s --raw " + root + "/volumes/a " + root +
                                       "/snapshots/a@s1 " + root + "/snapshots/a@s2");
}

TEST_F(BtrfsDriverTest, SpaceRejectsMissingRows) {
  BtrfsDriver driver(root, runner);
  ASSERT_TRUE(make_dirs(root + "/volumes/a", 0755).ok());
  ASSERT_TRUE(make_dirs(root + "/snapshots/a@s1", 0755).ok());
  runner.succeed({"btrfs", "filesystem", "du"}, "Total Exclusive\n 5 0 5 x\n");
  EXPECT_EQ(driver.volume_space("a").error().kind, ErrorKind::Io);
}

TEST(BtrfsDuTest, RejectsUnexpectedOutput) {
  EXPECT_FALSE(parse_btrfs_du("").ok());
  EXPECT_FALSE(parse_btrfs_du("Total Exclusive Set shared Filename\n").ok());
  auto rows = parse_btrfs_du("Total Exclusive\n 5 0 5 x\n");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].total, 5u);
  EXPECT_EQ((*rows)[0].exclusive, 0u);
}

TEST_F(BtrfsDriverTest, CheckRefusesOtherFilesystems) {
  BtrfsDriver driver(root, runner);
  Status status = driver.check();  // /tmp is not btrfs on the build machines
  if (status.ok()) GTEST_SKIP() << "/tmp is on btrfs";
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
}

}  // namespace
}  // namespace velo::storage
