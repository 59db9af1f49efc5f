// velo init's maintain timer through the built binary. Where systemd does
// not run (this machine, CI's containers), init installs nothing and says
// what to run instead, and velo doctor reports maintenance from velo
// maintain's last run. Where it runs, the units are written and enabled:
// systemd cannot run inside a test, so the test points velo at a unit
// directory and a "systemd runs" directory of its own
// (VELO_SYSTEMD_UNIT_DIR, VELO_SYSTEMD_RUN_DIR), and VELO_SYSTEMCTL at a
// stand-in script that logs its arguments.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "core/project/init.h"
#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class MaintainTimerCliTest : public CliTest {
 protected:
  void TearDown() override {
    // Server-owned directories of the homes made here (as root).
    for (const auto& home : homes_) (void)remove_tree(core::default_data_root(home, true));
    CliTest::TearDown();
  }
  // A fresh home in the pool's directory, for its own velo init.
  VeloCli fresh(const std::string& name) {
    std::string home = pool().dir() + "/" + name;
    homes_.push_back(home);
    return VeloCli(home);
  }
  std::vector<std::string> init_args(const VeloCli& cli) {
    return {"init",
            "--storage",
            "copy",
            "--path",
            cli.home() + "-data",
            "--port-range",
            std::to_string(port_min()) + "-" + std::to_string(port_max())};
  }
  // The finding "maintenance" of velo doctor --json.
  static nlohmann::json maintenance(VeloCli& cli) {
    CliResult doctor = cli.run_json({"doctor"});
    for (const auto& f : doctor.json()) {
      if (f.value("check", "") == "maintenance") return f;
    }
    ADD_FAILURE() << "no maintenance finding: " << doctor.describe();
    return nlohmann::json::object();
  }
  // A unit directory, a "systemd runs" directory and a logging systemctl.
  void fake_systemd(VeloCli& cli) {
    const std::string dir = pool().dir() + "/systemd";
    units_ = dir + "/units";
    log_ = dir + "/systemctl.log";
    ASSERT_TRUE(make_dirs(units_, 0755).ok());
    ASSERT_TRUE(make_dirs(dir + "/run", 0755).ok());
    const std::string script =
        "#!/bin/sh\n"
        "echo \"$*\" >> '" +
        log_ +
        "'\n"
        "if [ \"$1\" = is-active ]; then echo active; fi\n";
    ASSERT_TRUE(write_file_atomic(dir + "/systemctl", script, 0755).ok());
    cli.set_env("VELO_SYSTEMD_UNIT_DIR", units_);
    cli.set_env("VELO_SYSTEMD_RUN_DIR", dir + "/run");
    cli.set_env("VELO_SYSTEMCTL", dir + "/systemctl");
  }
  std::vector<std::string> unit_files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(units_)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string systemctl_log() { return path_exists(log_) ? *read_file(log_) : ""; }

  std::vector<std::string> homes_;
  std::string units_;
  std::string log_;
};

TEST_P(MaintainTimerCliTest, WithoutSystemdDoctorReportsTheLastRun) {
  VeloCli cli = fresh("plain");
  CliResult init = cli.run(init_args(cli));
  ASSERT_EQ(init.exit_code, 0) << init.describe();
  EXPECT_NE(init.out.find("no maintain timer installed (systemd does not run here)"),
            std::string::npos)
      << init.out;
  EXPECT_NE(init.out.find("velo maintain --every 60s"), std::string::npos) << init.out;
  EXPECT_EQ(init.err, "");

  nlohmann::json never = maintenance(cli);
  EXPECT_EQ(never.value("status", ""), "warn") << never.dump();
  EXPECT_NE(never.value("detail", "").find("never"), std::string::npos) << never.dump();

  CliResult maintain = cli.run({"maintain"});
  ASSERT_EQ(maintain.exit_code, 0) << maintain.describe();
  nlohmann::json ran = maintenance(cli);
  EXPECT_EQ(ran.value("status", ""), "ok") << ran.dump();
  EXPECT_NE(ran.value("detail", "").find("last ran 20"), std::string::npos) << ran.dump();
  EXPECT_EQ(ran.value("detail", "").find("never"), std::string::npos) << ran.dump();

  // --json says the same.
  VeloCli other = fresh("plain-json");
  CliResult json = other.run_json(init_args(other));
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  nlohmann::json timer = json.json()["maintain"];
  EXPECT_EQ(timer.value("installed", true), false) << json.out;
  EXPECT_TRUE(timer["unit"].is_null()) << json.out;
}

TEST_P(MaintainTimerCliTest, WithSystemdInitWritesAndEnablesTheUnitsOnce) {
  VeloCli cli = fresh("timed");
  fake_systemd(cli);
  CliResult init = cli.run_json(init_args(cli));
  ASSERT_EQ(init.exit_code, 0) << init.describe();
  const std::string stem = "velo-maintain-" + core::home_hash(cli.home());
  nlohmann::json timer = init.json()["maintain"];
  EXPECT_EQ(timer.value("installed", false), true) << init.out;
  EXPECT_EQ(timer.value("unit", ""), stem + ".timer") << init.out;
  ASSERT_EQ(unit_files(), (std::vector<std::string>{stem + ".service", stem + ".timer"}));
  const std::string service = *read_file(units_ + "/" + stem + ".service");
  const std::string velo = std::filesystem::canonical(VELO_BINARY).string();
  EXPECT_NE(service.find("\nExecStart=" + velo + " --home " + cli.home() + " maintain\n"),
            std::string::npos)
      << service;
  EXPECT_NE(read_file(units_ + "/" + stem + ".timer")->find("\nOnUnitActiveSec=1min\n"),
            std::string::npos);
  const std::string enabled = "daemon-reload\nenable --now " + stem + ".timer\n";
  EXPECT_EQ(systemctl_log(), enabled);

  // Again over the same home: refused, and still one pair, not enabled twice.
  EXPECT_EQ(check_usage_error(cli.run(init_args(cli))), "");
  EXPECT_EQ(unit_files(), (std::vector<std::string>{stem + ".service", stem + ".timer"}));
  EXPECT_EQ(*read_file(units_ + "/" + stem + ".service"), service);
  EXPECT_EQ(systemctl_log(), enabled);

  // doctor asks systemd whether the timer is active.
  nlohmann::json waiting = maintenance(cli);
  EXPECT_EQ(waiting.value("status", ""), "warn") << waiting.dump();  // it has not run yet
  EXPECT_NE(waiting.value("detail", "").find("timer " + stem + ".timer active"), std::string::npos)
      << waiting.dump();
  EXPECT_NE(systemctl_log().find("is-active " + stem + ".timer\n"), std::string::npos);
  ASSERT_EQ(cli.run({"maintain"}).exit_code, 0);
  EXPECT_EQ(maintenance(cli).value("status", ""), "ok") << maintenance(cli).dump();

  // --no-service writes and enables nothing.
  VeloCli skipped = fresh("skipped");
  fake_systemd(skipped);
  const std::string log_before = systemctl_log();
  std::vector<std::string> args = init_args(skipped);
  args.push_back("--no-service");
  CliResult plain = skipped.run(args);
  ASSERT_EQ(plain.exit_code, 0) << plain.describe();
  EXPECT_NE(plain.out.find("no maintain timer installed (--no-service)"), std::string::npos)
      << plain.out;
  EXPECT_EQ(unit_files(), (std::vector<std::string>{stem + ".service", stem + ".timer"}));
  EXPECT_EQ(systemctl_log(), log_before);
}

// A home made without a timer (--no-service, an older velo) gets the
// same units later from velo maintain --install-timer, once.
TEST_P(MaintainTimerCliTest, MaintainInstallsTheTimerOfAHomeMadeWithoutOne) {
  VeloCli cli = fresh("later");
  fake_systemd(cli);
  std::vector<std::string> args = init_args(cli);
  args.push_back("--no-service");
  ASSERT_EQ(cli.run(args).exit_code, 0);
  EXPECT_TRUE(unit_files().empty());
  EXPECT_EQ(check_usage_error(cli.run({"maintain", "--install-timer", "--every", "60s"})), "");
  EXPECT_TRUE(unit_files().empty());

  const std::string stem = "velo-maintain-" + core::home_hash(cli.home());
  CliResult installed = cli.run_json({"maintain", "--install-timer"});
  ASSERT_EQ(installed.exit_code, 0) << installed.describe();
  EXPECT_EQ(installed.json().value("unit", ""), stem + ".timer") << installed.out;
  EXPECT_EQ(unit_files(), (std::vector<std::string>{stem + ".service", stem + ".timer"}));
  EXPECT_EQ(systemctl_log(), "daemon-reload\nenable --now " + stem + ".timer\n");
  const std::string service = *read_file(units_ + "/" + stem + ".service");
  EXPECT_NE(service.find(" --home " + cli.home() + " maintain\n"), std::string::npos) << service;
  // Again: the same pair, written in place.
  ASSERT_EQ(cli.run({"maintain", "--install-timer"}).exit_code, 0);
  EXPECT_EQ(unit_files(), (std::vector<std::string>{stem + ".service", stem + ".timer"}));

  // Where systemd does not run, asking for it is an error that says why.
  VeloCli bare = fresh("bare");
  fake_systemd(bare);
  bare.set_env("VELO_SYSTEMD_RUN_DIR", pool().dir() + "/no-systemd-here");
  ASSERT_EQ(bare.run(init_args(bare)).exit_code, 0);
  CliResult refused = bare.run({"maintain", "--install-timer"});
  EXPECT_NE(refused.exit_code, 0) << refused.describe();
  EXPECT_NE(refused.err.find("velo: error: no maintain timer installed: systemd does not run"),
            std::string::npos)
      << refused.describe();
}

TEST_P(MaintainTimerCliTest, AFailedInstallWarnsAndInitSucceeds) {
  VeloCli cli = fresh("broken");
  fake_systemd(cli);
  cli.set_env("VELO_SYSTEMCTL", pool().dir() + "/no-such-systemctl");
  CliResult init = cli.run(init_args(cli));
  ASSERT_EQ(init.exit_code, 0) << init.describe();
  ASSERT_EQ(init.err_lines().size(), 1u) << init.describe();
  EXPECT_EQ(init.err_lines()[0].rfind("velo: warning: no maintain timer installed: ", 0), 0u)
      << init.describe();
  EXPECT_TRUE(unit_files().empty());
  EXPECT_EQ(cli.run({"project", "list"}).exit_code, 0) << "the home works";
}

INSTANTIATE_TEST_SUITE_P(Cli, MaintainTimerCliTest, ::testing::ValuesIn(kinds_for_run({"copy"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace velo::e2e
