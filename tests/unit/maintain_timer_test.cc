// Installing the maintain timer against a fake systemctl in a temporary
// unit directory: nothing where systemd does not run, both units and the
// two systemctl commands where it does, the same pair on a second install,
// no files left when enabling fails; and the state velo doctor reads.
#include "core/project/maintain_timer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "support/fake_runner.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

using ::testing::ElementsAre;

class MaintainTimerTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    host_.unit_dir = dir_ + "/units";
    host_.run_dir = dir_ + "/run-systemd";  // made by booted()
    host_.systemctl = "/fake/systemctl";
    ASSERT_TRUE(make_dirs(host_.unit_dir, 0755).ok());
    auto units = core::maintain_units("/srv/velo", "/usr/bin/velo", "root");
    ASSERT_TRUE(units.ok());
    units_ = *units;
  }
  void booted() { ASSERT_TRUE(make_dirs(host_.run_dir, 0755).ok()); }
  std::vector<std::string> unit_files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(host_.unit_dir)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  core::SystemdHost host_;
  core::MaintainUnits units_;
  FakeRunner runner_;
};

TEST_F(MaintainTimerTest, NothingWhereSystemdDoesNotRun) {
  auto done = core::install_maintain_timer(runner_, host_, units_);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_FALSE(done->installed);
  EXPECT_EQ(done->reason, core::kNoSystemd);
  EXPECT_TRUE(unit_files().empty());
  EXPECT_TRUE(runner_.commands().empty());
}

TEST_F(MaintainTimerTest, WritesBothUnitsAndEnablesTheTimer) {
  booted();
  auto done = core::install_maintain_timer(runner_, host_, units_);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->installed);
  EXPECT_EQ(done->timer, units_.timer);
  EXPECT_THAT(unit_files(), ElementsAre(units_.service, units_.timer));
  EXPECT_EQ(*read_file(host_.unit_dir + "/" + units_.service), units_.service_text);
  EXPECT_EQ(*read_file(host_.unit_dir + "/" + units_.timer), units_.timer_text);
  struct stat st {};
  ASSERT_EQ(::stat((host_.unit_dir + "/" + units_.timer).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_THAT(runner_.lines(), ElementsAre("/fake/systemctl daemon-reload",
                                           "/fake/systemctl enable --now " + units_.timer));

  // Again: the same two files, rewritten.
  ASSERT_TRUE(core::install_maintain_timer(runner_, host_, units_).ok());
  EXPECT_THAT(unit_files(), ElementsAre(units_.service, units_.timer));
}

TEST_F(MaintainTimerTest, AFailedEnableLeavesNoUnits) {
  booted();
  runner_.fail({"/fake/systemctl", "enable"}, 1, "Failed to enable unit: Access denied");
  auto done = core::install_maintain_timer(runner_, host_, units_);
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message, ::testing::HasSubstr("Access denied"));
  EXPECT_TRUE(unit_files().empty());
  // systemd forgets the units it had read.
  EXPECT_EQ(runner_.count("/fake/systemctl daemon-reload"), 2);
}

TEST_F(MaintainTimerTest, StateFromTheFilesAndSystemctl) {
  auto none = core::maintain_timer_state(runner_, host_, "/srv/velo");
  EXPECT_FALSE(none.files);
  EXPECT_EQ(none.timer, units_.timer);

  ASSERT_TRUE(write_file_atomic(host_.unit_dir + "/" + units_.service, "x", 0644).ok());
  ASSERT_TRUE(write_file_atomic(host_.unit_dir + "/" + units_.timer, "x", 0644).ok());
  auto unbooted = core::maintain_timer_state(runner_, host_, "/srv/velo");
  EXPECT_TRUE(unbooted.files);
  EXPECT_EQ(unbooted.active, std::nullopt);  // nobody to ask
  EXPECT_TRUE(runner_.commands().empty());

  booted();
  runner_.succeed({"/fake/systemctl", "is-active"}, "active\n");
  EXPECT_EQ(core::maintain_timer_state(runner_, host_, "/srv/velo").active, true);
  EXPECT_EQ(runner_.lines().back(), "/fake/systemctl is-active " + units_.timer);
  runner_.on({"/fake/systemctl", "is-active"}, {3, "inactive\n", ""});
  EXPECT_EQ(core::maintain_timer_state(runner_, host_, "/srv/velo").active, false);
}

}  // namespace
}  // namespace velo::testing
