// The per-project lock file: held exclusively, removable by its holder
// without ever letting two holders in.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/lock.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::state {
namespace {

class FileLockTest : public testing::TempDirTest {};

TEST_F(FileLockTest, TheFileStaysUnlessThePredicateSaysSo) {
  const std::string path = dir_ + "/p.lock";
  {
    auto lock = FileLock::acquire(path, 1);
    ASSERT_TRUE(lock.ok());
    lock->remove_file_if([] { return false; });
  }
  EXPECT_TRUE(path_exists(path));
  {
    auto lock = FileLock::acquire(path, 1);
    ASSERT_TRUE(lock.ok());
    lock->remove_file_if([] { return true; });
    EXPECT_TRUE(path_exists(path));  // until released
  }
  EXPECT_FALSE(path_exists(path));
}

TEST_F(FileLockTest, AHeldLockIsBusyForOthers) {
  const std::string path = dir_ + "/p.lock";
  auto held = FileLock::acquire(path, 1);
  ASSERT_TRUE(held.ok());
  // flock locks belong to the open file: a second open in this process
  // contends as another process would.
  auto second = FileLock::acquire(path, 0);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::Busy);
}

// How velo status tells an operation under way from one velo died in:
// held while a holder lives, free after, and asking never takes it away
// or makes the file.
TEST_F(FileLockTest, IsHeldWhileAHolderLivesAndNeverCreatesTheFile) {
  const std::string path = dir_ + "/p.lock";
  auto missing = FileLock::is_held(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing);
  EXPECT_FALSE(path_exists(path));
  {
    auto lock = FileLock::acquire(path, 1);
    ASSERT_TRUE(lock.ok());
    auto held = FileLock::is_held(path);
    ASSERT_TRUE(held.ok());
    EXPECT_TRUE(*held);
    EXPECT_FALSE(FileLock::acquire(path, 0).ok());  // still the holder's
  }
  auto released = FileLock::is_held(path);
  ASSERT_TRUE(released.ok());
  EXPECT_FALSE(*released);
  EXPECT_TRUE(FileLock::acquire(path, 0).ok());
}

// A waiter that gets the lock on a file its holder removed takes the lock
// on the file now at the path: it never holds a lock nobody else can see.
TEST_F(FileLockTest, AWaiterOnARemovedFileLocksTheNewOne) {
  const std::string path = dir_ + "/p.lock";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    {
      auto lock = FileLock::acquire(path, 5);
      if (!lock.ok()) ::_exit(1);
      lock->remove_file_if([] { return true; });
      (void)!::write(ready[1], "x", 1);
      ::usleep(200 * 1000);  // the parent now waits on the file we remove
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  auto lock = FileLock::acquire(path, 5);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  // Whatever the order, the lock we hold is on the file at the path.
  EXPECT_TRUE(path_exists(path));
  auto other = FileLock::acquire(path, 0);
  EXPECT_FALSE(other.ok());
}

}  // namespace
}  // namespace velo::state
