// The copy driver and the tree copier on a plain temporary directory: no
// root and no special filesystem needed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/copy_driver.h"
#include "storage/reflink_driver.h"
#include "storage/tree_copy.h"
#include "support/fake_runner.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

class CopyDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = testing::make_temp_dir("copy-test");
    ASSERT_FALSE(root.empty());
  }
  void TearDown() override { (void)remove_tree(root); }

  void write(const std::string& path, const std::string& content, mode_t mode = 0600) {
    ASSERT_TRUE(write_file_atomic(path, content, mode).ok());
  }
  std::string read(const std::string& path) {
    auto content = read_file(path);
    return content.ok() ? *content : "<missing>";
  }

  std::string root;
};

TEST_F(CopyDriverTest, SnapshotCloneAndIsolation) {
  CopyDriver driver(root);
  ASSERT_TRUE(driver.create_volume("v1").ok());
  const std::string v1 = driver.volume_path("v1");
  ASSERT_TRUE(make_dirs(v1 + "/data/base/1", 0700).ok());
  write(v1 + "/data/base/1/123", std::string(100000, 'x'));
  write(v1 + "/data/PG_VERSION", "15\n", 0640);
  ASSERT_EQ(symlink("base/1/123", (v1 + "/data/link").c_str()), 0);
  ASSERT_EQ(mkfifo((v1 + "/data/fifo").c_str(), 0600), 0);
  struct timespec old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (v1 + "/data/PG_VERSION").c_str(), old_times, 0), 0);

  ASSERT_TRUE(driver.snapshot("v1", "s1").ok());
  EXPECT_EQ(driver.snapshot("v1", "s1").error().kind, ErrorKind::Conflict);
  ASSERT_TRUE(driver.clone("v1", "s1", "v2").ok());
  const std::string v2 = driver.volume_path("v2");

  EXPECT_EQ(read(v2 + "/data/base/1/123"), std::string(100000, 'x'));
  EXPECT_EQ(read(v2 + "/data/link"), std::string(100000, 'x'));
  struct stat st;
  ASSERT_EQ(lstat((v2 + "/data/PG_VERSION").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000000000);
  ASSERT_EQ(lstat((v2 + "/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(lstat((v2 + "/data/link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_FALSE(path_exists(v2 + "/data/fifo"));  // skipped on purpose

  write(v2 + "/data/PG_VERSION", "16\n");
  write(v1 + "/data/new", "after snapshot");
  EXPECT_EQ(read(v1 + "/data/PG_VERSION"), "15\n");
  EXPECT_FALSE(path_exists(v2 + "/data/new"));

  EXPECT_EQ(*driver.list_volumes(), (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(*driver.list_snapshots("v1"), std::vector<std::string>{"s1"});
  auto space = driver.volume_space("v2");
  ASSERT_TRUE(space.ok());
  EXPECT_GE(space->logical_bytes, 100000u);
  EXPECT_EQ(space->unique_bytes, space->logical_bytes);  // a copy shares nothing
  auto source = driver.volume_space("v1");
  ASSERT_TRUE(source.ok());
  EXPECT_GE(source->snapshot_bytes, 100000u);  // s1 is a full copy too
  auto pool = driver.pool_space();
  ASSERT_TRUE(pool.ok());
  EXPECT_GT(pool->size_bytes, 0u);
  EXPECT_LE(pool->free_bytes, pool->size_bytes);
}

TEST_F(CopyDriverTest, RecopyReplacesOneDirectory) {
  CopyDriver driver(root);
  ASSERT_TRUE(driver.create_volume("v").ok());
  const std::string v = driver.volume_path("v");
  ASSERT_TRUE(make_dirs(v + "/data/pg_wal", 0700).ok());
  write(v + "/data/pg_wal/000000010000000000000001", "old");
  ASSERT_TRUE(driver.snapshot("v", "s").ok());
  write(v + "/data/pg_wal/000000010000000000000001", "newer");
  write(v + "/data/pg_wal/000000010000000000000002", "next");
  ASSERT_TRUE(driver.recopy_into_snapshot("v", "s", "data/pg_wal").ok());
  const std::string snap = driver.snapshot_path("v", "s");
  EXPECT_EQ(read(snap + "/data/pg_wal/000000010000000000000001"), "newer");
  EXPECT_EQ(read(snap + "/data/pg_wal/000000010000000000000002"), "next");
  EXPECT_EQ(driver.recopy_into_snapshot("v", "s", "../x").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(driver.recopy_into_snapshot("v", "s", "/etc").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(driver.recopy_into_snapshot("v", "nos", "data").error().kind, ErrorKind::NotFound);
}

TEST_F(CopyDriverTest, DestroyAndErrors) {
  CopyDriver driver(root);
  EXPECT_FALSE(driver.atomic_snapshots());
  ASSERT_TRUE(driver.create_volume("v").ok());
  EXPECT_EQ(driver.create_volume("v").error().kind, ErrorKind::Conflict);
  ASSERT_TRUE(driver.snapshot("v", "s").ok());
  EXPECT_EQ(driver.clone("v", "s", "v").error().kind, ErrorKind::Conflict);
  EXPECT_EQ(driver.clone("v", "nos", "w").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.destroy_snapshot("v", "nos").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(driver.create_volume("a/b").error().kind, ErrorKind::Invalid);
  ASSERT_TRUE(driver.destroy_volume("v").ok());
  EXPECT_FALSE(path_exists(driver.snapshot_path("v", "s")));
  EXPECT_EQ(driver.destroy_volume("v").error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(driver.list_volumes()->empty());
  EXPECT_TRUE(driver.check().ok());
}

TEST_F(CopyDriverTest, ReflinkFailsClearlyWhereUnsupported) {
  if (reflink_supported(root)) GTEST_SKIP() << root << " supports reflinks";
  velo::testing::FakeRunner runner;
  ReflinkDriver driver(root, runner);
  ASSERT_TRUE(driver.create_volume("v").ok());
  write(driver.volume_path("v") + "/f", "data");
  Status status = driver.snapshot("v", "s");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
  EXPECT_FALSE(path_exists(driver.snapshot_path("v", "s") + ".partial"));
  EXPECT_EQ(driver.check().error().kind, ErrorKind::Unavailable);
}

TEST_F(CopyDriverTest, TreeCopyCountsAndRefusesExistingTarget) {
  ASSERT_TRUE(make_dirs(root + "/src/a/b", 0755).ok());
  write(root + "/src/a/b/f", "12345");
  write(root + "/src/g", "");
  auto stats = copy_tree(root + "/src", root + "/dst", CopyMode::Copy);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->files, 2u);
  EXPECT_EQ(stats->bytes, 5u);
  EXPECT_FALSE(copy_tree(root + "/src", root + "/dst", CopyMode::Copy).ok());
  EXPECT_FALSE(copy_tree(root + "/missing", root + "/dst2", CopyMode::Copy).ok());
}

}  // namespace
}  // namespace velo::storage
