// The operation pattern and fault injection: steps run in order, undos run
// newest first unless committed, a cleanup failure is only a warning, and
// VELO_FAULT fails exactly the step it names.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "core/fault.h"
#include "core/operation.h"

namespace velo::core {
namespace {

class OperationTest : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("VELO_FAULT"); }
  std::vector<std::string> log_;
  Status record(const std::string& what) {
    log_.push_back(what);
    return Status::Ok();
  }
};

TEST_F(OperationTest, UndoesNewestFirstWithoutCommit) {
  {
    Operation op("branch-create");
    ASSERT_TRUE(op.step("reserve", [&] { return record("reserve"); }).ok());
    op.undo("the row", [&] { return record("undo reserve"); });
    ASSERT_TRUE(op.step("clone", [&] { return record("clone"); }).ok());
    op.undo("the clone", [&] { return record("undo clone"); });
  }
  EXPECT_EQ(log_, (std::vector<std::string>{"reserve", "clone", "undo clone", "undo reserve"}));
}

TEST_F(OperationTest, CommitKeepsEverythingAndCleanupFailureIsAWarning) {
  {
    Operation op("branch-reset");
    ASSERT_TRUE(op.step("clone", [&] { return record("clone"); }).ok());
    op.undo("the clone", [&] { return record("undo clone"); });
    op.commit();
    testing::internal::CaptureStderr();
    op.cleanup("removing the old clone",
               [] { return make_error(ErrorKind::Busy, "dataset is busy"); });
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("velo: warning: branch-reset succeeded, but removing the old clone failed "
                       "(dataset is busy)"),
              std::string::npos)
        << err;
  }
  EXPECT_EQ(log_, (std::vector<std::string>{"clone"}));
}

TEST_F(OperationTest, InjectedFailureFailsOnlyTheNamedStep) {
  ::setenv("VELO_FAULT", "branch-create:clone:fail", 1);
  Operation op("branch-create");
  EXPECT_TRUE(op.step("reserve", [&] { return record("reserve"); }).ok());
  Status clone = op.step("clone", [&] { return record("clone"); });
  ASSERT_FALSE(clone.ok());
  EXPECT_EQ(clone.error().kind, ErrorKind::Io);
  EXPECT_EQ(clone.error().message, "injected fault at branch-create:clone");
  EXPECT_EQ(log_, (std::vector<std::string>{"reserve"})) << "the failed step's action ran";
  Operation other("branch-reset");
  EXPECT_TRUE(other.step("clone", [&] { return record("reset clone"); }).ok());
}

TEST_F(OperationTest, FaultListsAndWildcards) {
  ::setenv("VELO_FAULT", "nope:x:fail,*:start:fail", 1);
  EXPECT_FALSE(inject_fault("branch-create", "start").ok());
  EXPECT_FALSE(inject_fault("branch-reset", "start").ok());
  EXPECT_TRUE(inject_fault("branch-create", "clone").ok());
  ::setenv("VELO_FAULT", "garbage", 1);
  EXPECT_TRUE(inject_fault("branch-create", "clone").ok());
  ::unsetenv("VELO_FAULT");
  EXPECT_TRUE(inject_fault("branch-create", "clone").ok());
}

TEST_F(OperationTest, KillFaultEndsTheProcessAtOnce) {
  ::setenv("VELO_FAULT", "op:step:kill", 1);
  EXPECT_EXIT((void)inject_fault("op", "step"), ::testing::KilledBySignal(SIGKILL), "");
}

}  // namespace
}  // namespace velo::core
