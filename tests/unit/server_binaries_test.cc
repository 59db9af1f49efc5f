// A server that runs a binary replaced on disk since it started (a package
// upgrade): found through /proc, told apart from one that runs the file
// still installed. The "postmaster" is a copy of sleep(1) named postgres,
// running in its data directory as a real postmaster does.
#include "core/project/server_binaries.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/postmaster.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::core {
namespace {

class ServerBinariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Not /dev/shm: it is often mounted noexec.
    char pattern[] = "/tmp/velo-binaries-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    data_ = dir_ + "/data";
    program_ = dir_ + "/postgres";
    ASSERT_TRUE(make_dirs(data_, 0700).ok());
    std::filesystem::copy_file("/bin/sleep", program_);
    std::filesystem::permissions(program_, std::filesystem::perms::owner_all);
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    (void)remove_tree(dir_);
  }
  // Starts the stand-in postmaster; false (and why) when it cannot run.
  bool start(std::string* why) {
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(data_.c_str()) != 0) ::_exit(126);
      ::execl(program_.c_str(), "postgres", "60", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::string exe = "/proc/" + std::to_string(pid_) + "/exe";
    for (int i = 0; i < 200; ++i) {
      if (std::filesystem::read_symlink(exe).string() == program_) {
        return write_file_atomic(data_ + "/postmaster.pid",
                                 std::to_string(pid_) + "\n" + data_ + "\n", 0600)
            .ok();
      }
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    *why = "cannot run a program from " + dir_ + " (mounted noexec?)";
    return false;
  }
  BranchInfo running_branch() const {
    BranchInfo b;
    b.project = "p";
    b.branch = "dev";
    b.runtime = "native";
    b.status = "running";
    b.data_dir = data_;
    return b;
  }

  std::string dir_, data_, program_;
  pid_t pid_ = -1;
};

TEST_F(ServerBinariesTest, ABinaryReplacedOnDiskIsReportedWithTheFix) {
  std::string why;
  if (!start(&why)) GTEST_SKIP() << why;
  ASSERT_EQ(runtime::live_postmaster_of(data_), pid_);
  EXPECT_FALSE(runtime::runs_replaced_binary(pid_));
  auto findings = check_server_binaries({running_branch()});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].status, "ok");

  // What an upgrade does: a new file takes the old one's place.
  ASSERT_EQ(::unlink(program_.c_str()), 0);
  std::filesystem::copy_file("/bin/sleep", program_);
  EXPECT_TRUE(runtime::runs_replaced_binary(pid_));
  findings = check_server_binaries({running_branch()});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].check, "branch p/dev");
  EXPECT_EQ(findings[0].status, "warn");
  EXPECT_NE(findings[0].detail.find("velo branch restart p/dev"), std::string::npos);

  // Stopped branches and containers are not looked at.
  BranchInfo stopped = running_branch();
  stopped.status = "stopped";
  BranchInfo docker = running_branch();
  docker.runtime = "docker";
  findings = check_server_binaries({stopped, docker});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].status, "ok");
}

}  // namespace
}  // namespace velo::core
