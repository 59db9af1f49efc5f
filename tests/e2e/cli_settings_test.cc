// Branch server settings on real servers: main keeps PostgreSQL's own,
// a branch runs with velo's idle defaults for branches, a project's
// --branch-setting and a branch's --setting override them (and survive a
// reset), a point-in-time branch still recovers, and settings velo
// manages or malformed pairs are refused with nothing made.
#include <gtest/gtest.h>

#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

class CliSettingsTest : public CliTest {
 protected:
  std::string setting(const std::string& branch, const std::string& name) {
    return sql_value(branch, "SELECT current_setting('" + name + "')");
  }
};

TEST_P(CliSettingsTest, BranchesRunSmallAndTakeTheirOverrides) {
  create_project("demo");
  // PostgreSQL's defaults on main.
  EXPECT_EQ(setting("demo/main", "shared_buffers"), "128MB");
  EXPECT_EQ(setting("demo/main", "max_connections"), "100");

  create_branch("demo/idle");
  EXPECT_EQ(setting("demo/idle", "shared_buffers"), "32MB");
  EXPECT_EQ(setting("demo/idle", "max_connections"), "30");
  EXPECT_EQ(setting("demo/idle", "max_logical_replication_workers"), "0");
  nlohmann::json shown = show("demo/idle");
  EXPECT_EQ(shown["settings"]["shared_buffers"], "32MB") << shown.dump();
  EXPECT_EQ(show("demo/main")["settings"], nlohmann::json::object());

  ok({"project", "set", "demo", "--branch-setting", "work_mem=8MB", "--branch-setting",
      "shared_buffers=40MB"});
  ok({"branch", "create", "demo/tuned", "--setting", "shared_buffers=48MB"});
  EXPECT_EQ(setting("demo/tuned", "shared_buffers"), "48MB");
  EXPECT_EQ(setting("demo/tuned", "work_mem"), "8MB");
  // Branches made before take the project's settings at their reset; a
  // branch's own survive it.
  EXPECT_EQ(setting("demo/idle", "work_mem"), "4MB");
  ok({"branch", "reset", "demo/idle", "--yes"});
  EXPECT_EQ(setting("demo/idle", "shared_buffers"), "40MB");
  EXPECT_EQ(setting("demo/idle", "work_mem"), "8MB");
  ok({"branch", "reset", "demo/tuned", "--yes"});
  EXPECT_EQ(setting("demo/tuned", "shared_buffers"), "48MB");
  nlohmann::json project = ok_json({"project", "show", "demo"});
  EXPECT_EQ(project["branch_settings"]["work_mem"], "8MB") << project.dump();

  // NAME= drops a project setting: velo's default is back.
  ok({"project", "set", "demo", "--branch-setting", "shared_buffers="});
  create_branch("demo/again");
  EXPECT_EQ(setting("demo/again", "shared_buffers"), "32MB");
}

TEST_P(CliSettingsTest, APointInTimeBranchRecoversWithSmallerLimits) {
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t AS SELECT 1 AS x").ok());
  std::string at = sql_value("demo/main",
                             "SELECT to_char(now() AT TIME ZONE 'UTC', "
                             "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
  ASSERT_TRUE(sql("demo/main", "INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(sql("demo/main", "SELECT pg_switch_wal()").ok());
  ok({"branch", "create", "demo/then", "--at", at, "--setting", "max_connections=20"});
  EXPECT_EQ(sql_value("demo/then", "SELECT count(*) FROM t"), "1");
  // Replay kept main's limit (hot standby refuses lower ones); the
  // branch's own applies from its next start.
  EXPECT_EQ(setting("demo/then", "max_connections"), "100");
  ok({"branch", "restart", "demo/then"});
  EXPECT_EQ(setting("demo/then", "max_connections"), "20");
}

TEST_P(CliSettingsTest, BadSettingsAreRefusedAndChangeNothing) {
  create_project("demo");
  nlohmann::json before = observable();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"branch", "create", "demo/x", "--setting", "port=6000"},
           {"branch", "create", "demo/x", "--setting", "archive_command=true"},
           {"branch", "create", "demo/x", "--setting", "shared_buffers"},
           {"branch", "create", "demo/x", "--setting", "bad name=1"},
           {"branch", "create", "demo/x", "--setting", "work_mem="},
           {"project", "set", "demo", "--branch-setting", "listen_addresses=*"},
           {"project", "create", "other", "--branch-setting", "work_mem="}}) {
    EXPECT_EQ(check_usage_error(velo().run(args)), "");
  }
  EXPECT_EQ(observable(), before);
  // A value only PostgreSQL can judge fails the create, which leaves
  // nothing behind and says why.
  CliResult bad = velo().run({"branch", "create", "demo/x", "--setting", "shared_buffers=lots"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("shared_buffers"), std::string::npos) << bad.describe();
  EXPECT_EQ(observable(), before);
}

VELO_CLI_INSTANTIATE_ON(CliSettingsTest, std::string("btrfs"));

}  // namespace
}  // namespace velo::e2e
