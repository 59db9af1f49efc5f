// Server logs: the last N lines of a file of any size, following a file
// that grows, is replaced or truncated, the copy `branch delete
// --keep-logs` keeps, and `velo gc` pruning kept logs after a week.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "core/branch/branch_ops.h"
#include "core/branch/logs.h"
#include "support/core_fixture.h"
#include "support/fake_clock.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class LogTailTest : public TempDirTest {
 protected:
  std::string write(const std::string& text) {
    std::string path = dir_ + "/server.log";
    EXPECT_TRUE(write_file_atomic(path, text, 0600).ok());
    return path;
  }
};

TEST_F(LogTailTest, LastLinesOfAShortFile) {
  std::string path = write("a\nb\nc\n");
  EXPECT_EQ(*core::tail_lines(path, 2), "b\nc\n");
  EXPECT_EQ(*core::tail_lines(path, 3), "a\nb\nc\n");
  EXPECT_EQ(*core::tail_lines(path, 10), "a\nb\nc\n");
  EXPECT_EQ(*core::tail_lines(path, 0), "");
  EXPECT_EQ(*core::tail_lines(write("no newline"), 1), "no newline\n");
  EXPECT_EQ(*core::tail_lines(write("x\nlast"), 1), "last\n");
  EXPECT_EQ(*core::tail_lines(write(""), 5), "");
}

TEST_F(LogTailTest, LastLinesBeyondOneBlock) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  std::string path = write(text);
  auto tail = core::tail_lines(path, 15000);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->rfind("line 5000\n", 0), 0U) << tail->substr(0, 40);
  EXPECT_EQ(std::count(tail->begin(), tail->end(), '\n'), 15000);
}

TEST_F(LogTailTest, MissingFileAndNegativeCountAreErrors) {
  auto missing = core::tail_lines(dir_ + "/nope.log", 3);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(core::tail_lines(write("a\n"), -1).error().kind, ErrorKind::Invalid);
}

// Each poll of the follower runs the next step (writing to the file),
// then stops when the steps are done.
TEST_F(LogTailTest, FollowSeesAppendsAReplacedFileAndATruncation) {
  std::string path = write("old\n");
  const uint64_t start = 4;
  std::string seen;
  std::vector<std::function<void()>> steps = {
      [&] {
        FILE* f = std::fopen(path.c_str(), "a");
        std::fputs("appended\n", f);
        std::fclose(f);
      },
      [&] { ASSERT_TRUE(write_file_atomic(path, "restarted\n", 0600).ok()); },  // new inode
      [&] { ASSERT_EQ(::truncate(path.c_str(), 0), 0); },
      [&] {
        FILE* f = std::fopen(path.c_str(), "a");
        std::fputs("again\n", f);
        std::fclose(f);
      },
  };
  size_t polls = 0;
  FakeClock clock;
  Status status = core::follow_file(
      path, start, clock, [&](std::string_view text) { seen += text; },
      [&] {
        // Two polls per step: the follower reads between them.
        if (polls % 2 == 0 && polls / 2 < steps.size()) steps[polls / 2]();
        return ++polls > 2 * steps.size() + 1;
      });
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(seen, "appended\nrestarted\nagain\n");
}

TEST_F(CoreTest, KeepLogsMovesTheLogAndGcPrunesItAfterAWeek) {
  seed_project("api");
  core::CreateBranchOptions options;
  options.name = {"api", "dev"};
  ASSERT_TRUE(core::create_branch(*ctx_, options).ok());
  ASSERT_TRUE(make_dirs(home_ + "/logs", 0700).ok());
  ASSERT_TRUE(write_file_atomic(home_ + "/logs/api.dev.log", "why it failed\n", 0600).ok());
  std::vector<std::string> kept;
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "dev"}, false, &kept).ok());
  ASSERT_EQ(kept.size(), 1U);
  EXPECT_EQ(kept[0].rfind(home_ + "/logs/deleted/api.dev.", 0), 0U) << kept[0];
  EXPECT_EQ(*read_file(kept[0]), "why it failed\n");
  EXPECT_FALSE(path_exists(home_ + "/logs/api.dev.log"));
  // Not pruned yet; a file of another name never.
  ASSERT_TRUE(write_file_atomic(home_ + "/logs/deleted/notes.txt", "", 0600).ok());
  clock_.advance(core::kKeptLogAge - std::chrono::minutes(1));
  EXPECT_TRUE(core::prune_kept_logs(*ctx_)->empty());
  clock_.advance(std::chrono::minutes(2));
  auto pruned = core::prune_kept_logs(*ctx_);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, kept);
  EXPECT_FALSE(path_exists(kept[0]));
  EXPECT_TRUE(path_exists(home_ + "/logs/deleted/notes.txt"));
}

TEST_F(CoreTest, DeleteWithoutKeepLogsRemovesTheLog) {
  seed_project("api");
  core::CreateBranchOptions options;
  options.name = {"api", "dev"};
  ASSERT_TRUE(core::create_branch(*ctx_, options).ok());
  ASSERT_TRUE(make_dirs(home_ + "/logs", 0700).ok());
  ASSERT_TRUE(write_file_atomic(home_ + "/logs/api.dev.log", "x\n", 0600).ok());
  ASSERT_TRUE(core::delete_branch(*ctx_, {"api", "dev"}, false).ok());
  EXPECT_FALSE(path_exists(home_ + "/logs/api.dev.log"));
  EXPECT_FALSE(path_exists(home_ + "/logs/deleted"));
}

}  // namespace
}  // namespace velo::testing
