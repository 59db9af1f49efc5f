// The maintain timer's units as velo init writes them: names per home,
// the ExecStart line systemd reads back, the timer's schedule, and the
// homes and binaries no unit can name.
#include "core/project/maintain_units.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/project/init.h"

namespace velo::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MaintainUnitsTest, NamesCarryTheHomesHash) {
  MaintainUnits a = maintain_unit_names("/root/.velo");
  EXPECT_EQ(a.service, "velo-maintain-" + home_hash("/root/.velo") + ".service");
  EXPECT_EQ(a.timer, "velo-maintain-" + home_hash("/root/.velo") + ".timer");
  EXPECT_EQ(maintain_unit_names("/root/.velo").timer, a.timer);  // stable
  EXPECT_NE(maintain_unit_names("/srv/velo").timer, a.timer);    // one pair per home
}

TEST(MaintainUnitsTest, ServiceRunsThisVeloOnTheHomeOnce) {
  auto units = maintain_units("/srv/velo", "/usr/bin/velo", "root");
  ASSERT_TRUE(units.ok()) << units.error().message;
  const std::string& text = units->service_text;
  EXPECT_THAT(text, HasSubstr("\nExecStart=/usr/bin/velo --home /srv/velo maintain\n"));
  EXPECT_THAT(text, HasSubstr("\nType=oneshot\n"));
  EXPECT_THAT(text, HasSubstr("\nUser=root\n"));
  EXPECT_THAT(text, HasSubstr("\nDescription=velo maintain: scheduled snapshots and retention "
                              "of /srv/velo\n"));
  EXPECT_THAT(text, HasSubstr("\nNice=10\n"));
  EXPECT_THAT(text, HasSubstr("\nIOSchedulingClass=idle\n"));
  // velo writes to pools and homes anywhere.
  EXPECT_THAT(text, Not(HasSubstr("ProtectSystem")));
  EXPECT_THAT(text, Not(HasSubstr("ProtectHome")));
  EXPECT_THAT(text, Not(HasSubstr("PrivateTmp")));
}

TEST(MaintainUnitsTest, TimerStartsTheServiceEveryMinute) {
  auto units = maintain_units("/srv/velo", "/usr/bin/velo", "root");
  ASSERT_TRUE(units.ok()) << units.error().message;
  const std::string& text = units->timer_text;
  for (const char* line : {"\nOnBootSec=1min\n", "\nOnUnitActiveSec=1min\n", "\nAccuracySec=5s\n",
                           "\nWantedBy=timers.target\n"}) {
    EXPECT_THAT(text, HasSubstr(line));
  }
  EXPECT_THAT(text, HasSubstr("\nUnit=" + units->service + "\n"));
  EXPECT_THAT(text, Not(HasSubstr("Persistent")));
}

TEST(MaintainUnitsTest, QuotesWhatSystemdWouldSplitOrExpand) {
  auto units = maintain_units("/srv/my velo/100%", "/opt/velo $1/velo", "alice");
  ASSERT_TRUE(units.ok()) << units.error().message;
  EXPECT_THAT(units->service_text,
              HasSubstr("\nExecStart=\"/opt/velo $$1/velo\" --home \"/srv/my velo/100%%\" "
                        "maintain\n"));
  EXPECT_THAT(units->service_text, HasSubstr("retention of /srv/my velo/100%%\n"));
  EXPECT_THAT(units->timer_text, HasSubstr("every minute for /srv/my velo/100%%\n"));
  EXPECT_THAT(units->service_text, HasSubstr("\nUser=alice\n"));
}

TEST(MaintainUnitsTest, ExecWords) {
  EXPECT_EQ(systemd_exec_word("/usr/bin/velo"), "/usr/bin/velo");
  EXPECT_EQ(systemd_exec_word("a b"), "\"a b\"");
  EXPECT_EQ(systemd_exec_word("it's"), "\"it's\"");
  EXPECT_EQ(systemd_exec_word("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(systemd_exec_word("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(systemd_exec_word("a;b"), "\"a;b\"");
  EXPECT_EQ(systemd_exec_word("50%$x"), "50%%$$x");
  EXPECT_EQ(systemd_exec_word(""), "\"\"");
}

TEST(MaintainUnitsTest, RefusesWhatNoUnitCanName) {
  EXPECT_EQ(maintain_units("relative/home", "/usr/bin/velo", "root").error().kind,
            ErrorKind::Invalid);
  EXPECT_EQ(maintain_units("/srv/velo", "velo", "root").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(maintain_units("/srv/new\nline", "/usr/bin/velo", "root").error().kind,
            ErrorKind::Invalid);
  EXPECT_EQ(maintain_units("/srv/velo", "/usr/bin/velo", "").error().kind, ErrorKind::Invalid);
}

}  // namespace
}  // namespace velo::core
