// The btrfs driver's subvolume calls and command lines against a recording
// fake and a scripted runner; existence checks look at a real temporary
// directory.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "storage/btrfs_driver.h"
#include "support/fake_runner.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

using velo::testing::FakeRunner;

// Records each call as a line and makes or removes the directory, as
// btrfs would.
class RecordingSubvolumes : public BtrfsSubvolumes {
 public:
  Status create(const std::string& path) override {
    lines.push_back("create " + path);
    return make_dirs(path, 0755);
  }
  Status snapshot(const std::string& source, const std::string& path, bool read_only) override {
    lines.push_back(std::string(read_only ? "snapshot -r " : "snapshot ") + source + " " + path);
    return make_dirs(path, 0755);
  }
  Status remove(const std::string& path) override {
    lines.push_back("delete " + path);
    return remove_tree(path);
  }
  std::vector<std::string> lines;
};

bool on_btrfs(const std::string& path) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == BTRFS_SUPER_MAGIC;
}

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
  RecordingSubvolumes subvolumes;
};

TEST_F(BtrfsDriverTest, SubvolumeCalls) {
  BtrfsDriver driver(root, runner, subvolumes);
  ASSERT_TRUE(driver.create_volume("a.main.1").ok());
  ASSERT_TRUE(driver.snapshot("a.main.1", "s1").ok());
  ASSERT_TRUE(driver.clone("a.main.1", "s1", "a.dev.1").ok());
  ASSERT_TRUE(driver.destroy_volume("a.main.1").ok());
  EXPECT_EQ(subvolumes.lines,
            (std::vector<std::string>{
                "create " + root + "/volumes/a.main.1",
                "snapshot -r " + root + "/volumes/a.main.1 " + root + "/snapshots/a.main.1@s1",
                "snapshot " + root + "/snapshots/a.main.1@s1 " + root + "/volumes/a.dev.1",
                "delete " + root + "/snapshots/a.main.1@s1",
                "delete " + root + "/volumes/a.main.1",
            }));
  EXPECT_TRUE(runner.commands().empty());  // no process for any of them
  EXPECT_EQ(driver.volume_path("a.dev.1"), root + "/volumes/a.dev.1");
}

TEST_F(BtrfsDriverTest, ExistenceAndNames) {
  BtrfsDriver driver(root, runner, subvolumes);
  ASSERT_TRUE(make_dirs(root + "/volumes/a", 0755).ok());
  EXPECT_EQ(driver.create_volume("a").error().kind, ErrorKind::Conflict);
  EXPECT_EQ(driver.snapshot("b", "s").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.clone("a", "nos", "c").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.destroy_volume("zz").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.create_volume("..").error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(subvolumes.lines.empty());
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

// The real calls, off btrfs: the kernel refuses, and the error names the
// path and why.
TEST_F(BtrfsDriverTest, TheLibraryReportsWhatTheKernelRefused) {
  if (on_btrfs(root)) GTEST_SKIP() << "/tmp is on btrfs";
  Status made = library_subvolumes().create(root + "/sub");
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("cannot create btrfs subvolume " + root + "/sub"),
            std::string::npos)
      << made.error().message;
  Status removed = library_subvolumes().remove(root + "/missing");
  ASSERT_FALSE(removed.ok());
  EXPECT_NE(removed.error().message.find("cannot delete btrfs subvolume " + root + "/missing: "),
            std::string::npos)
      << removed.error().message;
}

}  // namespace
}  // namespace velo::storage
