#include "runtime/postmaster.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::runtime {
namespace {

class PostmasterTest : public testing::TempDirTest {};

TEST_F(PostmasterTest, ProcessRunsInItsWorkingDirectoryOnly) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_TRUE(process_runs_in(::getpid(), cwd));
  EXPECT_FALSE(process_runs_in(::getpid(), dir_));
  EXPECT_FALSE(process_runs_in(::getpid(), dir_ + "/missing"));
  EXPECT_FALSE(process_runs_in(0, cwd));
}

TEST_F(PostmasterTest, ProcessRunsInFollowsSymlinks) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  std::string link = dir_ + "/link";
  ASSERT_EQ(::symlink(cwd, link.c_str()), 0);
  EXPECT_TRUE(process_runs_in(::getpid(), link));
}

// The bug this guards against: a clone that still holds its parent's
// postmaster.pid names a live process that is not its server. This test
// process is no postgres, so the file naming it must not count either way.
TEST_F(PostmasterTest, PidFileOfAnotherProcessIsNoPostmaster) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/postmaster.pid",
                                std::to_string(::getpid()) + "\n" + dir_ + "\n", 0600)
                  .ok());
  EXPECT_EQ(read_postmaster_pid(dir_), ::getpid());
  EXPECT_FALSE(live_postmaster_of(dir_).has_value());
}

TEST_F(PostmasterTest, MissingOrGarbledPidFile) {
  EXPECT_FALSE(read_postmaster_pid(dir_).has_value());
  ASSERT_TRUE(write_file_atomic(dir_ + "/postmaster.pid", "not a pid\n", 0600).ok());
  EXPECT_FALSE(read_postmaster_pid(dir_).has_value());
  EXPECT_FALSE(live_postmaster_of(dir_).has_value());
}

}  // namespace
}  // namespace velo::runtime
