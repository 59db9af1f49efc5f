#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "support/temp_dir_test.h"

namespace velo {
namespace {

class FsTest : public testing::TempDirTest {
 protected:
  mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
};

TEST_F(FsTest, WriteAtomicThenRead) {
  std::string path = dir_ + "/file";
  ASSERT_TRUE(write_file_atomic(path, "one", 0600).ok());
  ASSERT_TRUE(write_file_atomic(path, "two\n", 0640).ok());
  auto content = read_file(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "two\n");
  EXPECT_EQ(mode_of(path), 0640u);
  // No temporary file is left behind.
  EXPECT_FALSE(path_exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST_F(FsTest, WriteAtomicWithOwner) {
  std::string path = dir_ + "/owned";
  ASSERT_TRUE(write_file_atomic(path, "x", 0600, ::geteuid(), ::getegid()).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::geteuid());
}

TEST_F(FsTest, ReadMissingIsNotFound) {
  auto content = read_file(dir_ + "/missing");
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.error().kind, ErrorKind::NotFound);
  EXPECT_NE(content.error().message.find("missing"), std::string::npos);
}

TEST_F(FsTest, MakeDirsCreatesParentsWithMode) {
  std::string path = dir_ + "/a/b/c";
  ASSERT_TRUE(make_dirs(path, 0700).ok());
  EXPECT_EQ(mode_of(dir_ + "/a"), 0700u);
  EXPECT_EQ(mode_of(path), 0700u);
  EXPECT_TRUE(make_dirs(path, 0700).ok());  // idempotent
  ASSERT_TRUE(write_file_atomic(dir_ + "/f", "", 0600).ok());
  auto status = make_dirs(dir_ + "/f/g", 0700);
  ASSERT_FALSE(status.ok());
}

TEST_F(FsTest, RemoveTreeRemovesEverythingAndAcceptsAbsent) {
  ASSERT_TRUE(make_dirs(dir_ + "/t/x/y", 0755).ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/t/x/y/file", "data", 0600).ok());
  ASSERT_EQ(::symlink("/etc", (dir_ + "/t/link").c_str()), 0);
  ASSERT_TRUE(remove_tree(dir_ + "/t").ok());
  EXPECT_FALSE(path_exists(dir_ + "/t"));
  EXPECT_TRUE(path_exists("/etc/passwd"));  // the link was not followed
  EXPECT_TRUE(remove_tree(dir_ + "/t").ok());
}

TEST_F(FsTest, FsyncPathOnFileAndDirectory) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/f", "x", 0600).ok());
  EXPECT_TRUE(fsync_path(dir_ + "/f").ok());
  EXPECT_TRUE(fsync_path(dir_).ok());
  EXPECT_FALSE(fsync_path(dir_ + "/none").ok());
}

TEST_F(FsTest, ChownTreeToSelfSucceeds) {
  ASSERT_TRUE(make_dirs(dir_ + "/c/d", 0700).ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/c/d/f", "x", 0600).ok());
  ASSERT_EQ(::symlink("/nonexistent", (dir_ + "/c/dangling").c_str()), 0);
  EXPECT_TRUE(chown_tree(dir_ + "/c", ::geteuid(), ::getegid()).ok());
  EXPECT_FALSE(chown_tree(dir_ + "/absent", ::geteuid(), ::getegid()).ok());
}

TEST_F(FsTest, ChownTreeChangesOwnerAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "changing owners needs root";
  ASSERT_TRUE(make_dirs(dir_ + "/c/d", 0700).ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/c/d/f", "x", 0600).ok());
  ASSERT_TRUE(chown_tree(dir_ + "/c", 65534, 65534).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/c/d/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_gid, 65534u);
}

uid_t owner_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_uid : static_cast<uid_t>(-1);
}

TEST_F(FsTest, ChownCopyWalksOnlyWhatOthersWrote) {
  if (::geteuid() != 0) GTEST_SKIP() << "changing owners needs root";
  const std::string root = dir_ + "/c";
  for (const char* d : {"/base/1", "/pg_wal/archive_status", "/global"}) {
    ASSERT_TRUE(make_dirs(root + d, 0700).ok());
  }
  for (const char* f : {"/base/1/100", "/pg_wal/seg", "/pg_wal/archive_status/seg.done",
                        "/global/1260", "/velo.conf"}) {
    ASSERT_TRUE(write_file_atomic(root + f, "x", 0600).ok());
  }
  ASSERT_TRUE(chown_tree(root + "/base", 65534, 65534).ok());
  ASSERT_EQ(::chown(root.c_str(), 65534, 65534), 0);
  // A copy of a tree the user owned: the files velo wrote (velo.conf,
  // pg_wal) and a directory of another owner (global) are handed over; a
  // file inside a directory it already owns is not looked at.
  ASSERT_EQ(::chown((root + "/base/1/100").c_str(), 0, 0), 0);
  ASSERT_TRUE(chown_copy(root, 65534, 65534, {"pg_wal"}).ok());
  for (const char* p : {"/velo.conf", "/pg_wal", "/pg_wal/seg", "/pg_wal/archive_status/seg.done",
                        "/global", "/global/1260"}) {
    EXPECT_EQ(owner_of(root + p), 65534u) << p;
  }
  EXPECT_EQ(owner_of(root + "/base/1/100"), 0u);
  // A root of another owner is walked whole.
  ASSERT_EQ(::chown(root.c_str(), 0, 0), 0);
  ASSERT_TRUE(chown_copy(root, 65534, 65534, {}).ok());
  EXPECT_EQ(owner_of(root + "/base/1/100"), 65534u);
  EXPECT_FALSE(chown_copy(dir_ + "/absent", 65534, 65534, {}).ok());
}

TEST_F(FsTest, TailFile) {
  std::string path = dir_ + "/log";
  ASSERT_TRUE(write_file_atomic(path, "1\n2\n3\n4\n", 0600).ok());
  EXPECT_EQ(tail_file(path, 2), "3\n4");
  EXPECT_EQ(tail_file(path, 10), "1\n2\n3\n4");
  EXPECT_EQ(tail_file(path, 0), "");
  EXPECT_EQ(tail_file(dir_ + "/none", 3), "");
  ASSERT_TRUE(write_file_atomic(path, "no newline", 0600).ok());
  EXPECT_EQ(tail_file(path, 1), "no newline");
}

}  // namespace
}  // namespace velo
