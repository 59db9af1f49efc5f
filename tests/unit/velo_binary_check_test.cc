#include "core/project/velo_binary_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "pg/config_files.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::core {
namespace {

using ::testing::HasSubstr;

TEST(VeloBinaryOfTest, FindsTheBinaryOfAVeloArchiveCommand) {
  EXPECT_EQ(velo_binary_of("'/var/lib/velo/ab/bin/velo' wal-archive %p '/a' %f"),
            "/var/lib/velo/ab/bin/velo");
  // As native_runtime.cc quotes a path with a quote and a space in it.
  EXPECT_EQ(velo_binary_of("'/opt/it'\\''s velo/velo' wal-archive %p '/a' %f"),
            "/opt/it's velo/velo");
  EXPECT_EQ(velo_binary_of("/usr/bin/velo wal-archive %p /a %f"), "/usr/bin/velo");
}

TEST(VeloBinaryOfTest, IgnoresOtherCommands) {
  EXPECT_EQ(velo_binary_of("'/usr/bin/velo' wal-restore '/a' %f %p"), std::nullopt);
  EXPECT_EQ(velo_binary_of("d=/velo/archive; f=\"$d/%f\"; cp %p \"$f\""), std::nullopt);
  EXPECT_EQ(velo_binary_of("'/usr/bin/velo"), std::nullopt);
  EXPECT_EQ(velo_binary_of(""), std::nullopt);
}

TEST(ReadSettingTest, UnquotesWhatQuoteSettingWrote) {
  const std::string value = "'/opt/it'\\''s/velo' wal-archive %p '/a' %f";
  const std::string conf =
      "# Written by velo\nport = '6001'\narchive_command = " + pg::quote_setting(value) +
      "\narchive_mode = 'on'\n";
  EXPECT_EQ(pg::read_setting(conf, "archive_command"), value);
  EXPECT_EQ(pg::read_setting(conf, "port"), "6001");
  EXPECT_EQ(pg::read_setting(conf, "restore_command"), std::nullopt);
  EXPECT_EQ(pg::read_setting("port = '1'\nport = '2'\n", "port"), "2") << "the last line wins";
}

class BinaryProblemTest : public testing::TempDirTest {};

TEST_F(BinaryProblemTest, NamesWhatKeepsABinaryFromRunning) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/velo", "#!/bin/sh\n", 0755).ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/plain", "", 0644).ok());
  ASSERT_EQ(::symlink((dir_ + "/gone").c_str(), (dir_ + "/dangling").c_str()), 0);
  ASSERT_EQ(::symlink((dir_ + "/velo").c_str(), (dir_ + "/link").c_str()), 0);
  EXPECT_EQ(binary_problem(dir_ + "/velo"), "");
  EXPECT_EQ(binary_problem(dir_ + "/link"), "");
  EXPECT_EQ(binary_problem(dir_ + "/dangling"), "is missing");
  EXPECT_EQ(binary_problem(dir_ + "/gone"), "is missing");
  EXPECT_EQ(binary_problem(dir_ + "/plain"), "is not executable");
  EXPECT_EQ(binary_problem(dir_), "is not a file");
}

// A running branch whose velo.conf names a dangling link fails, with the
// link's target and the fix; a stopped one is left for its next start.
TEST_F(BinaryProblemTest, FailsRunningBranchesWhoseVeloIsGone) {
  ASSERT_TRUE(make_dirs(dir_ + "/data", 0700).ok());
  const std::string link = dir_ + "/bin-velo";
  ASSERT_EQ(::symlink("/nonexistent/velo", link.c_str()), 0);
  const std::string command = "'" + link + "' wal-archive %p '/a' %f";
  ASSERT_TRUE(pg::write_velo_conf(dir_ + "/data", {{"archive_command", command}}).ok());
  BranchInfo running;
  running.project = "p";
  running.branch = "b";
  running.status = "running";
  running.runtime = "native";
  running.data_dir = dir_ + "/data";
  BranchInfo stopped = running;
  stopped.branch = "s";
  stopped.status = "stopped";

  auto findings = check_velo_binaries({running, stopped});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].check, "archive p/b");
  EXPECT_EQ(findings[0].status, "fail");
  EXPECT_THAT(findings[0].detail, HasSubstr(link + " (a link to /nonexistent/velo), which is "
                                                   "missing"));
  EXPECT_THAT(findings[0].detail, HasSubstr("velo branch restart p/b"));

  auto none = check_velo_binaries({stopped});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].status, "ok");
  EXPECT_EQ(none[0].detail, "0 running branches archive through a velo that runs");
}

}  // namespace
}  // namespace velo::core
