#include "util/exec.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo {
namespace {

Command sh(const std::string& script) { return Command{{"sh", "-c", script}}; }

TEST(ExecTest, CapturesStdout) {
  RealProcessRunner runner;
  auto result = runner.run(Command{{"echo", "hello", "world"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->out, "hello world\n");
  EXPECT_EQ(result->err, "");
}

TEST(ExecTest, ReportsExitCodeAsValue) {
  RealProcessRunner runner;
  auto result = runner.run(sh("exit 3"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 3);
}

TEST(ExecTest, ReportsSignalAs128Plus) {
  RealProcessRunner runner;
  auto result = runner.run(sh("kill -TERM $$"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 128 + SIGTERM);
}

TEST(ExecTest, MissingProgramIsUnavailable) {
  RealProcessRunner runner;
  auto result = runner.run(Command{{"velo-no-such-program-xyz"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(result.error().message.find("velo-no-such-program-xyz"), std::string::npos);
}

TEST(ExecTest, StdinIsDevNullByDefault) {
  RealProcessRunner runner;
  auto result = runner.run(Command{{"cat"}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->out, "");
}

TEST(ExecTest, FeedsInput) {
  RealProcessRunner runner;
  Command command{{"cat"}};
  command.input = "line one\nline two\n";
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "line one\nline two\n");
}

TEST(ExecTest, LargeInputAndOutputDoNotDeadlock) {
  RealProcessRunner runner;
  Command command{{"cat"}};
  command.input = std::string(1 << 20, 'x');  // far beyond a pipe's buffer
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out.size(), size_t{1} << 20);
}

TEST(ExecTest, InputToAProgramThatIgnoresItDoesNotKillUs) {
  RealProcessRunner runner;
  Command command = sh("exit 0");
  command.input = std::string(1 << 20, 'x');
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 0);
}

TEST(ExecTest, SetsEnvironmentAndLcAll) {
  RealProcessRunner runner;
  Command command = sh("echo \"$VELO_TEST_VAR $LC_ALL\"");
  command.env = {{"VELO_TEST_VAR", "value"}, {"LC_ALL", "de_DE.UTF-8"}};
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "value C\n");
}

TEST(ExecTest, OverridesInheritedVariable) {
  ::setenv("VELO_TEST_INHERITED", "old", 1);
  RealProcessRunner runner;
  Command command = sh("echo $VELO_TEST_INHERITED");
  command.env = {{"VELO_TEST_INHERITED", "new"}};
  auto result = runner.run(command);
  ::unsetenv("VELO_TEST_INHERITED");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "new\n");
}

TEST(ExecTest, CapturesStderrSeparately) {
  RealProcessRunner runner;
  auto result = runner.run(sh("echo out; echo err >&2"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "out\n");
  EXPECT_EQ(result->err, "err\n");
}

TEST(ExecTest, RunsInCwd) {
  RealProcessRunner runner;
  Command command{{"pwd"}};
  command.cwd = "/";
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "/\n");
}

TEST(ExecTest, DoesNotLeakDescriptors) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // deliberately without O_CLOEXEC
  RealProcessRunner runner;
  auto result = runner.run(sh("ls /proc/self/fd | wc -l"));
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(result.ok());
  // 0, 1, 2, the directory ls reads, and nothing else.
  EXPECT_EQ(result->out, "4\n");
}

TEST(ExecTest, RunCheckedQuotesLastStderrLine) {
  RealProcessRunner runner;
  auto result = run_checked(runner, sh("echo first >&2; echo 'the reason' >&2; exit 4"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Io);
  EXPECT_NE(result.error().message.find("exit code 4"), std::string::npos);
  const std::string& message = result.error().message;
  EXPECT_EQ(message.substr(message.size() - 12), ": the reason") << message;
}

// velo psql: the child writes to velo's own stdout (nothing captured),
// shares velo's process group (the terminal's, for Ctrl-C and reads), keeps
// the user's locale, and its exit code comes back.
TEST(ExecTest, InheritStdioRunsInOurGroupWithOurDescriptors) {
  std::string dir = testing::make_temp_dir("inherit");
  ASSERT_FALSE(dir.empty());
  const std::string out = dir + "/out";
  // Our stdout, pointed at a file for the test's duration.
  int saved = ::dup(1);
  FILE* file = std::fopen(out.c_str(), "w");
  ASSERT_NE(file, nullptr);
  ::fflush(stdout);
  ::dup2(::fileno(file), 1);
  Command command{{"sh", "-c",
                   "echo \"pgrp $(cut -d' ' -f5 /proc/$$/stat) lc ${LC_ALL-unset} $SECRET\"; "
                   "exit 4"}};
  command.env = {{"SECRET", "in-env"}};
  command.inherit_stdio = true;
  RealProcessRunner runner;
  auto result = runner.run(command);
  ::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::fclose(file);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 4);
  EXPECT_EQ(result->out, "");
  const char* lc = std::getenv("LC_ALL");
  EXPECT_EQ(*read_file(out), "pgrp " + std::to_string(::getpgrp()) + " lc " +
                                 (lc == nullptr ? "unset" : lc) + " in-env\n");
  EXPECT_TRUE(remove_tree(dir).ok());
}

TEST(ExecTest, InheritStdioRefusesInput) {
  Command command{{"cat"}};
  command.inherit_stdio = true;
  command.input = "x";
  RealProcessRunner runner;
  auto result = runner.run(command);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Invalid);
}

TEST(DescribeTest, JoinsArgv) {
  EXPECT_EQ(describe(Command{{"zfs", "snapshot", "pool/a@b"}}), "zfs snapshot pool/a@b");
  EXPECT_EQ(describe(Command{{"echo", "two words", ""}}), "echo 'two words' ''");
}

TEST(DescribeTest, RedactsPasswordAssignments) {
  std::string text = describe(Command{{"psql", "host=x password=s3cret user=u", "PGPASSWORD=abc"}});
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  EXPECT_EQ(text.find("abc"), std::string::npos) << text;
  EXPECT_NE(text.find("password=***"), std::string::npos) << text;
  EXPECT_NE(text.find("user=u"), std::string::npos) << text;
  std::string quoted = describe(Command{{"x", "password='a b' port=1"}});
  EXPECT_EQ(quoted.find("a b"), std::string::npos) << quoted;
  EXPECT_NE(quoted.find("port=1"), std::string::npos) << quoted;
}

TEST(DescribeTest, RedactsUrlPasswords) {
  std::string text = describe(Command{{"pg_dump", "postgres://alice:p%40ss@db:5432/app?x=1"}});
  EXPECT_EQ(text, "pg_dump postgres://alice:***@db:5432/app?x=1");
  EXPECT_EQ(describe(Command{{"curl", "https://host/path@x"}}), "curl https://host/path@x");
  EXPECT_EQ(describe(Command{{"x", "postgres://bob@db/app"}}), "x postgres://bob@db/app");
}

TEST(DescribeTest, RedactsValueAfterPasswordFlag) {
  EXPECT_EQ(describe(Command{{"tool", "--password", "hunter2", "--port", "5"}}),
            "tool --password *** --port 5");
}

TEST(SpawnDetachedTest, AppendsToLogAndCanBeReaped) {
  char dir_template[] = "/tmp/velo-spawn-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  std::string log = dir + "/server.log";
  ASSERT_TRUE(write_file_atomic(log, "before\n", 0600).ok());

  auto pid = spawn_detached(sh("echo out; echo err >&2; [ \"$(cat)\" = '' ] && exit 7"), log);
  ASSERT_TRUE(pid.ok()) << pid.error().message;
  int status = 0;
  ASSERT_EQ(::waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
  auto content = read_file(log);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "before\nout\nerr\n");
  EXPECT_TRUE(remove_tree(dir).ok());
}

TEST(SpawnDetachedTest, RunsInItsOwnSession) {
  char dir_template[] = "/tmp/velo-spawn-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  std::string log = dir + "/server.log";
  auto pid = spawn_detached(Command{{"sleep", "30"}}, log);
  ASSERT_TRUE(pid.ok()) << pid.error().message;
  EXPECT_EQ(::getsid(*pid), *pid);
  EXPECT_NE(::getpgid(*pid), ::getpgid(0));
  ::kill(*pid, SIGKILL);
  ::waitpid(*pid, nullptr, 0);
  EXPECT_TRUE(remove_tree(dir).ok());
}

TEST(SpawnDetachedTest, MissingProgramFailsAtOnce) {
  auto pid = spawn_detached(Command{{"velo-no-such-program-xyz"}}, "/dev/null");
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().kind, ErrorKind::Unavailable);
}

}  // namespace
}  // namespace velo
