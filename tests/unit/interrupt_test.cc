// SIGINT and SIGTERM as velo handles them (util/interrupt.h): deferred
// inside an operation, which stops at its next step and undoes what it
// made; children stopped unless an undo runs them; a second signal during
// the undo answered, not obeyed.
#include "util/interrupt.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "core/operation.h"
#include "util/exec.h"

namespace velo {
namespace {

class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    interrupt::install();
    interrupt::reset_for_tests();
  }
  void TearDown() override {
    interrupt::reset_for_tests();
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
  }
  Status record(const std::string& what) {
    log_.push_back(what);
    return Status::Ok();
  }
  std::vector<std::string> log_;
};

TEST_F(InterruptTest, AnOperationStopsAtItsNextStepAndUndoes) {
  Status cloned = Status::Ok();
  {
    core::Operation op("branch-create", "branch shop/x was not created");
    ASSERT_TRUE(op.step("reserve", [&] { return record("reserve"); }).ok());
    op.undo("the row", [&] { return record("undo reserve"); });
    ASSERT_TRUE(op.step("snapshot", [&] {
                    ::raise(SIGINT);  // a Ctrl-C while this step runs
                    return record("snapshot");
                  }).ok());
    op.undo("the snapshot", [&] { return record("undo snapshot"); });
    cloned = op.step("clone", [&] { return record("clone"); });
  }
  ASSERT_FALSE(cloned.ok());
  EXPECT_EQ(cloned.error().kind, ErrorKind::Interrupted);
  EXPECT_EQ(interrupt::received(), SIGINT);
  EXPECT_EQ(log_,
            (std::vector<std::string>{"reserve", "snapshot", "undo snapshot", "undo reserve"}));
  EXPECT_EQ(interrupt::outcome(), "branch shop/x was not created; nothing left behind");
}

TEST_F(InterruptTest, AFailedUndoLeavesTheRestToGc) {
  {
    core::Operation op("branch-reset");
    ASSERT_TRUE(op.step("clone", [&] { return record("clone"); }).ok());
    op.undo("the clone", [] { return make_error(ErrorKind::Io, "busy"); });
    ::raise(SIGTERM);
    EXPECT_FALSE(op.step("start", [&] { return record("start"); }).ok());
  }
  EXPECT_EQ(interrupt::received(), SIGTERM);
  EXPECT_EQ(interrupt::outcome(),
            "branch-reset was rolled back; 'velo gc' will remove what is left");
}

TEST_F(InterruptTest, ASecondSignalDuringTheUndoIsAnsweredNotObeyed) {
  ::testing::internal::CaptureStderr();
  {
    core::Operation op("branch-create");
    op.undo("the clone", [&] {
      ::raise(SIGINT);                       // the user presses Ctrl-C again while velo cleans up
      EXPECT_TRUE(interrupt::check().ok());  // an undo's waits run to their end
      return record("undo clone");
    });
    ::raise(SIGINT);
    EXPECT_FALSE(op.step("start", [&] { return record("start"); }).ok());
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(log_, std::vector<std::string>{"undo clone"});
  EXPECT_NE(err.find("still cleaning up"), std::string::npos) << err;
}

TEST_F(InterruptTest, ThirdSignalEndsTheProcessAtOnce) {
  EXPECT_EXIT(
      {
        interrupt::Deferral deferral;
        ::raise(SIGINT);
        ::raise(SIGINT);
        ::raise(SIGINT);
        ::_exit(0);  // not reached
      },
      ::testing::ExitedWithCode(130), "stopped; 'velo gc' will remove what is left");
}

TEST_F(InterruptTest, OutsideADeferralASignalEndsTheProcess) {
  EXPECT_EXIT(
      {
        ::raise(SIGTERM);
        ::_exit(0);
      },
      ::testing::ExitedWithCode(143), "velo: interrupted");
}

TEST_F(InterruptTest, AChildIsStoppedOnceInterrupted) {
  interrupt::Deferral deferral;
  ::raise(SIGINT);
  RealProcessRunner runner;
  Command command{{"sleep", "30"}};
  command.stop_on_interrupt = true;
  auto ran = runner.run(command);
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_EQ(ran->exit_code, 128 + SIGTERM);
}

TEST_F(InterruptTest, AChildNotMarkedStoppableRunsToItsEnd) {
  interrupt::Deferral deferral;
  ::raise(SIGINT);
  RealProcessRunner runner;
  auto ran = runner.run(Command{{"sh", "-c", "sleep 0.2; exit 4"}});
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_EQ(ran->exit_code, 4);
}

TEST_F(InterruptTest, AnUndosChildRunsToItsEnd) {
  interrupt::Deferral deferral;
  ::raise(SIGINT);
  interrupt::Cleanup cleanup;
  RealProcessRunner runner;
  Command command{{"sh", "-c", "sleep 0.2; exit 3"}};
  command.stop_on_interrupt = true;
  auto ran = runner.run(command);
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_EQ(ran->exit_code, 3);
}

}  // namespace
}  // namespace velo
