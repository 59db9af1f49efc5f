#include "runtime/native_runtime.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "runtime/velo_link.h"
#include "support/temp_dir_test.h"
#include "util/exec.h"
#include "util/fd.h"
#include "util/fs.h"
#include "util/os_user.h"

namespace velo::runtime {
namespace {

using ::testing::HasSubstr;

// NativeRuntime with a stand-in for postgres (bin_dir_override): a script
// that tells the test its pid through a FIFO and exits with code 3, as a
// server that fails at startup does.
class NativeRuntimeTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    fifo_ = dir_ + "/pid.fifo";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    ASSERT_TRUE(make_dirs(dir_ + "/bin", 0755).ok());
    ASSERT_TRUE(write_file_atomic(dir_ + "/bin/postgres",
                                  "#!/bin/sh\necho $$ > '" + fifo_ + "'\nexit 3\n", 0755)
                    .ok());
    ASSERT_TRUE(make_dirs(dir_ + "/data", 0700).ok());
    ASSERT_TRUE(write_file_atomic(dir_ + "/data/PG_VERSION", "15\n", 0600).ok());
    spec_.project = "demo";
    spec_.branch = "main";
    spec_.data_dir = dir_ + "/data";
    spec_.pg_version = "15";
    spec_.log_path = dir_ + "/postgres.log";
  }

  // Blocks until the stand-in has exited and returns its pid; the exit is
  // left for the runtime to reap (WNOWAIT).
  pid_t await_exit() {
    std::string pid_text;
    {
      UniqueFd fifo(::open(fifo_.c_str(), O_RDONLY | O_CLOEXEC));
      char buf[32];
      ssize_t n = 0;
      while ((n = ::read(fifo.get(), buf, sizeof buf)) > 0) pid_text.append(buf, n);
    }
    pid_t pid = std::stoi(pid_text);
    siginfo_t info{};
    EXPECT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    return pid;
  }

  RealProcessRunner runner_;
  std::string fifo_;
  ClusterSpec spec_;
};

// reap() used to read the pid out of the map entry it had just erased.
TEST_F(NativeRuntimeTest, ReportsHowItsOwnServerExited) {
  NativeRuntime runtime(runner_, current_user(), dir_ + "/bin");
  ASSERT_TRUE(runtime.start(spec_).ok());
  pid_t pid = await_exit();

  Status alive = runtime.check_alive(spec_);
  ASSERT_FALSE(alive.ok());
  EXPECT_THAT(alive.error().message, HasSubstr("exited with code 3"));
  // Reaped: nothing of it is left for a wait.
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_TRUE(runtime.stop(spec_).ok());
}

// A server interrupted in its start has no postmaster.pid yet; the runtime
// that spawned it still stops it (an undo used to leave it running on the
// clone it was meant to remove).
TEST_F(NativeRuntimeTest, StopsItsOwnServerBeforeItWritesItsPidFile) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/bin/postgres",
                                "#!/bin/sh\necho $$ > '" + fifo_ + "'\nexec sleep 60\n", 0755)
                  .ok());
  NativeRuntime runtime(runner_, current_user(), dir_ + "/bin");
  ASSERT_TRUE(runtime.start(spec_).ok());
  std::string pid_text;
  {
    UniqueFd fifo(::open(fifo_.c_str(), O_RDONLY | O_CLOEXEC));
    char buf[32];
    ssize_t n = 0;
    while ((n = ::read(fifo.get(), buf, sizeof buf)) > 0) pid_text.append(buf, n);
  }
  const pid_t pid = std::stoi(pid_text);
  ASSERT_EQ(::kill(pid, 0), 0) << "the stand-in runs";
  EXPECT_TRUE(runtime.stop(spec_).ok());
  // Stopped and reaped by the runtime: no such process is left.
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

// The server runs velo by the link, never by this binary's path, and a
// start points the link at this binary.
TEST_F(NativeRuntimeTest, ServersRunVeloByTheLinkAStartRefreshes) {
  const std::string link = dir_ + "/root/bin/velo";
  NativeRuntime runtime(runner_, current_user(), dir_ + "/bin", real_clock(), link);
  spec_.archive_dir = dir_ + "/archive";
  spec_.restore_dir = dir_ + "/restore";
  std::map<std::string, std::string> settings;
  for (const auto& [name, value] : runtime.server_settings(spec_)) settings[name] = value;
  EXPECT_EQ(settings["archive_command"], "'" + link + "' wal-archive %p '" + dir_ + "/archive' %f");
  // Restoring needs no velo: cp starts faster, once per segment.
  EXPECT_EQ(settings["restore_command"], "cp --reflink=auto '" + dir_ + "/restore'/%f %p");

  ASSERT_TRUE(runtime.start(spec_).ok());
  await_exit();
  EXPECT_EQ(std::filesystem::read_symlink(link).string(), self_executable());
  EXPECT_FALSE(runtime.check_alive(spec_).ok());
}

}  // namespace
}  // namespace velo::runtime
