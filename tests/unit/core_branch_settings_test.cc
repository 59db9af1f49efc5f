// Branch server settings (core/branch/server_settings.h) against fakes:
// parsing --setting, velo's idle defaults for branches and none for main,
// the project's and the branch's overrides in that order, the limits
// hot standby checks left out while a point-in-time branch replays, and
// what reaches velo.conf and the state.
#include <gtest/gtest.h>

#include <map>

#include "core/branch/branch_ops.h"
#include "core/branch/server_settings.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

std::map<std::string, std::string> as_map(const pg::Settings& settings) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : settings) out[name] = value;
  return out;
}

TEST(ServerSettingsParse, TakesNameValueAndLowercasesTheName) {
  auto pair = core::parse_setting("Shared_Buffers=256MB");
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  EXPECT_EQ(pair->first, "shared_buffers");
  EXPECT_EQ(pair->second, "256MB");
  EXPECT_EQ(core::parse_setting("search_path=a, 'b'")->second, "a, 'b'");
  EXPECT_EQ(core::parse_setting("auto_explain.log_min_duration=0")->first,
            "auto_explain.log_min_duration");
  EXPECT_EQ(core::parse_setting("work_mem=")->second, "");
}

TEST(ServerSettingsParse, RefusesMalformedPairsAndWhatVeloSets) {
  for (const char* bad : {"shared_buffers", "=1", "1abc=2", "a b=1", "a-b=1", "port=6000",
                          "PORT=6000", "listen_addresses=*", "archive_command=true",
                          "restore_command=x", "recovery_target_time=now", "hba_file=/x",
                          "include=/etc/x", "primary_conninfo=x", "work_mem=1\n2"}) {
    auto parsed = core::parse_setting(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid) << bad;
  }
  EXPECT_NE(core::parse_setting("port=1").error().message.find("velo sets port itself"),
            std::string::npos);
}

TEST(ServerSettingsParse, ARepeatedOptionNeedsValuesUnlessItRemoves) {
  auto both = core::parse_settings({"work_mem=8MB", "shared_buffers=64MB"}, "--setting", false);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
  auto empty = core::parse_settings({"work_mem="}, "--setting", false);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("--setting"), std::string::npos);
  EXPECT_TRUE(core::parse_settings({"work_mem="}, "--branch-setting", true).ok());
}

TEST(ServerSettingsMerge, MainKeepsItsOwnBranchesGetDefaultsThenProjectThenBranch) {
  state::ProjectRecord project;
  state::BranchRecord main_branch;
  main_branch.name = "main";
  EXPECT_TRUE(core::branch_server_settings(project, main_branch, false).empty());

  state::BranchRecord branch;
  branch.name = "dev";
  branch.parent = "main";
  auto defaults = as_map(core::branch_server_settings(project, branch, false));
  EXPECT_EQ(defaults, core::idle_branch_defaults());
  EXPECT_EQ(defaults.at("shared_buffers"), "32MB");

  project.branch_settings = {{"shared_buffers", "64MB"}, {"work_mem", "8MB"}};
  branch.settings = {{"shared_buffers", "256MB"}};
  auto merged = as_map(core::branch_server_settings(project, branch, false));
  EXPECT_EQ(merged.at("shared_buffers"), "256MB");
  EXPECT_EQ(merged.at("work_mem"), "8MB");
  EXPECT_EQ(merged.at("max_connections"), core::idle_branch_defaults().at("max_connections"));
}

TEST(ServerSettingsMerge, ReplayKeepsTheLimitsHotStandbyChecks) {
  state::ProjectRecord project;
  project.branch_settings = {{"max_wal_senders", "2"}};
  state::BranchRecord branch;
  branch.parent = "main";
  branch.settings = {{"max_locks_per_transaction", "32"}};
  auto replaying = as_map(core::branch_server_settings(project, branch, true));
  for (const char* checked : {"max_connections", "max_worker_processes", "max_wal_senders",
                              "max_prepared_transactions", "max_locks_per_transaction"}) {
    EXPECT_EQ(replaying.count(checked), 0u) << checked;
  }
  EXPECT_EQ(replaying.at("shared_buffers"), "32MB");
}

class BranchSettingsTest : public CoreTest {};

TEST_F(BranchSettingsTest, CreateWritesThemIntoVeloConfAndTheRow) {
  seed_project("api");
  ASSERT_TRUE(core::set_project_branch_settings(*ctx_, "api", {{"work_mem", "8MB"}}).ok());
  core::CreateBranchOptions options;
  options.name = {"api", "dev"};
  options.settings = {{"shared_buffers", "128MB"}};
  auto made = core::create_branch(*ctx_, options);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(branch_row("api", "dev").settings.at("shared_buffers"), "128MB");
  auto conf = read_file(made->spec.data_dir + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_NE(conf->find("shared_buffers = '128MB'"), std::string::npos) << *conf;
  EXPECT_NE(conf->find("work_mem = '8MB'"), std::string::npos) << *conf;
  EXPECT_NE(conf->find("max_logical_replication_workers = '0'"), std::string::npos) << *conf;
}

TEST_F(BranchSettingsTest, ProjectSetMergesAndAnEmptyValueRemoves) {
  seed_project("api");
  ASSERT_TRUE(core::set_project_branch_settings(*ctx_, "api",
                                                {{"work_mem", "8MB"}, {"shared_buffers", "1GB"}})
                  .ok());
  auto left = core::set_project_branch_settings(*ctx_, "api", {{"work_mem", ""}});
  ASSERT_TRUE(left.ok());
  const state::ServerSettings expected = {{"shared_buffers", "1GB"}};
  EXPECT_EQ(*left, expected);
  auto project = ctx_->store.project("api");
  ASSERT_TRUE(project.ok() && project->has_value());
  EXPECT_EQ((*project)->branch_settings, expected);
  auto missing = core::set_project_branch_settings(*ctx_, "nope", {{"work_mem", "1MB"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

}  // namespace
}  // namespace velo::testing
