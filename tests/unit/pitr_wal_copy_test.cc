// The archive and restore commands on a real directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/history/wal_archive.h"
#include "core/history/wal_copy.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::core {
namespace {

class WalCopyTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(make_dirs(dir_ + "/pg_wal", 0700).ok());
    ASSERT_TRUE(make_dirs(dir_ + "/archive", 0700).ok());
    content_ = std::string(3 << 20, 'w') + "end";
    ASSERT_TRUE(write_file_atomic(dir_ + "/pg_wal/" + kName, content_, 0600).ok());
  }

  static constexpr const char* kName = "000000010000000000000003";
  std::string content_;
};

TEST_F(WalCopyTest, ArchivesOnceAndAcceptsTheSameFileAgain) {
  const std::string source = dir_ + "/pg_wal/" + kName;
  ASSERT_TRUE(archive_wal_file(source, dir_ + "/archive", kName).ok());
  EXPECT_EQ(*read_file(dir_ + "/archive/" + kName), content_);
  EXPECT_TRUE(archive_wal_file(source, dir_ + "/archive", kName).ok()) << "identical: success";
  auto listed = list_archive(dir_ + "/archive");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->files.size(), 1u) << "no temporary file left behind";
  EXPECT_EQ(listed->total_bytes, content_.size());
}

TEST_F(WalCopyTest, NeverOverwritesDifferentContent) {
  const std::string source = dir_ + "/pg_wal/" + kName;
  ASSERT_TRUE(archive_wal_file(source, dir_ + "/archive", kName).ok());
  std::string other = content_;
  other.back() = 'X';
  ASSERT_TRUE(write_file_atomic(source, other, 0600).ok());
  Status again = archive_wal_file(source, dir_ + "/archive", kName);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(*read_file(dir_ + "/archive/" + kName), content_);
}

TEST_F(WalCopyTest, RestoresAndSaysNotFoundForMissingFiles) {
  ASSERT_TRUE(archive_wal_file(dir_ + "/pg_wal/" + kName, dir_ + "/archive", kName).ok());
  ASSERT_TRUE(restore_wal_file(dir_ + "/archive", kName, dir_ + "/RECOVERYXLOG").ok());
  EXPECT_EQ(*read_file(dir_ + "/RECOVERYXLOG"), content_);
  Status missing =
      restore_wal_file(dir_ + "/archive", "00000002.history", dir_ + "/RECOVERYHISTORY");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST_F(WalCopyTest, RefusesNamesThatLeaveTheArchive) {
  for (const char* name : {"../x", "a/b", "", ".hidden", "x y"}) {
    EXPECT_FALSE(archive_wal_file(dir_ + "/pg_wal/" + kName, dir_ + "/archive", name).ok()) << name;
    EXPECT_FALSE(restore_wal_file(dir_ + "/archive", name, dir_ + "/out").ok()) << name;
  }
}

}  // namespace
}  // namespace velo::core
