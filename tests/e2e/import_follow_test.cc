// velo project create --from URL --follow: main as a streaming standby of
// the source; branches of it promoted, writable and independent; unfollow.
#include <gtest/gtest.h>

#include "support/import_fixture.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

using std::chrono::seconds;

class ImportFollowTest : public ImportTest {};

TEST_P(ImportFollowTest, MainFollowsBranchesAreIndependentUnfollowPromotes) {
  ASSERT_TRUE(source().pgbench_init(1).ok());
  ASSERT_TRUE(source().sql("CREATE TABLE events (id int PRIMARY KEY, what text)").ok());
  ok({"project", "create", "live", "--from", source().url(), "--follow", "--slot", "velo_live",
      "--save-credentials"});
  EXPECT_EQ(main_value("live", "SELECT pg_is_in_recovery()"), "t");
  EXPECT_EQ(
      source().value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'velo_live'"),
      "1");

  // Writes on the source arrive on main.
  ASSERT_TRUE(source().sql("INSERT INTO events VALUES (1, 'before branch')").ok());
  EXPECT_TRUE(wait_main_value("live", "SELECT count(*) FROM events", "1", seconds(30)));

  nlohmann::json shown = ok_json({"project", "show", "live"});
  ASSERT_TRUE(shown["follow"].is_object()) << shown.dump();
  EXPECT_EQ(shown["follow"].value("receiver", ""), "streaming");
  EXPECT_TRUE(shown["follow"]["lag_bytes"].is_number()) << shown.dump();
  EXPECT_TRUE(shown["follow"]["lag_seconds"].is_number()) << shown.dump();
  EXPECT_EQ(shown["follow"].value("source", "").find(SourceServer::kPassword), std::string::npos);

  // A branch of the standby: promoted, writable, cut off from the source.
  create_branch("live/dev");
  EXPECT_EQ(sql_value("live/dev", "SELECT pg_is_in_recovery()"), "f");
  EXPECT_EQ(sql_value("live/dev", "SELECT count(*) FROM events"), "1");
  ASSERT_TRUE(sql("live/dev", "INSERT INTO events VALUES (100, 'on the branch')").ok());
  ASSERT_TRUE(source().sql("INSERT INTO events VALUES (2, 'after branch')").ok());
  EXPECT_TRUE(wait_main_value("live", "SELECT count(*) FROM events", "2", seconds(30)));
  EXPECT_EQ(sql_value("live/dev", "SELECT string_agg(id::text, ',' ORDER BY id) FROM events"),
            "1,100");
  EXPECT_EQ(source().value("SELECT count(*) FROM events WHERE id = 100"), "0");
  // Main is a read-only standby of the source: a merge into it is refused
  // before anything is planned, and main still follows.
  ASSERT_TRUE(sql("live/dev", "CREATE TABLE made_on_dev (x int)").ok());
  CliResult merge = velo().run({"branch", "merge", "live/dev"});
  EXPECT_EQ(check_usage_error(merge), "");
  EXPECT_NE(merge.err.find("follows its source server"), std::string::npos) << merge.err;
  EXPECT_EQ(main_value("live", "SELECT pg_is_in_recovery()"), "t");

  // The branch kept none of the standby's settings or credentials.
  std::string dev = data_dir("live/dev");
  auto velo_conf = read_file(dev + "/velo.conf");
  ASSERT_TRUE(velo_conf.ok());
  EXPECT_EQ(velo_conf->find("primary_conninfo"), std::string::npos) << *velo_conf;
  EXPECT_EQ(velo_conf->find("primary_slot_name"), std::string::npos);
  EXPECT_EQ(velo_conf->find("restore_command"), std::string::npos);
  EXPECT_FALSE(path_exists(dev + "/standby.signal"));
  EXPECT_FALSE(path_exists(dev + "/velo/passfile"));
  // Main keeps them in velo.conf, not postgresql.auto.conf.
  std::string main_dir = data_dir("live/main");
  auto main_conf = read_file(main_dir + "/velo.conf");
  ASSERT_TRUE(main_conf.ok());
  EXPECT_NE(main_conf->find("primary_conninfo"), std::string::npos);
  EXPECT_EQ(main_conf->find(SourceServer::kPassword), std::string::npos);
  auto auto_conf = read_file(main_dir + "/postgresql.auto.conf");
  EXPECT_TRUE(!auto_conf.ok() || auto_conf->find("primary_conninfo") == std::string::npos);

  // A restart keeps main a standby.
  ok({"branch", "restart", "live/main"});
  EXPECT_EQ(main_value("live", "SELECT pg_is_in_recovery()"), "t");
  ASSERT_TRUE(source().sql("INSERT INTO events VALUES (3, 'after restart')").ok());
  EXPECT_TRUE(wait_main_value("live", "SELECT count(*) FROM events", "3", seconds(30)));

  // Unfollow: main promoted and writable with velo's password, the slot gone.
  ok({"project", "unfollow", "live"});
  EXPECT_EQ(sql_value("live/main", "SELECT pg_is_in_recovery()"), "f");
  ASSERT_TRUE(sql("live/main", "INSERT INTO events VALUES (200, 'main after unfollow')").ok());
  EXPECT_EQ(
      source().value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'velo_live'"),
      "0");
  EXPECT_TRUE(ok_json({"project", "show", "live"})["follow"].is_null());
  EXPECT_FALSE(path_exists(main_dir + "/velo/passfile"));
  ok({"branch", "restart", "live/main"});
  EXPECT_EQ(sql_value("live/main", "SELECT pg_is_in_recovery()"), "f");
  EXPECT_EQ(sql_value("live/main", "SELECT count(*) FROM events"), "4");
}

INSTANTIATE_TEST_SUITE_P(Import, ImportFollowTest,
                         ::testing::ValuesIn(kinds_for_run({"copy", "btrfs", "zfs"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// Deleting a following project drops its --slot on the source (a slot
// left there holds the source's WAL forever), or says how to.
class ImportFollowDeleteTest : public ImportTest {
 protected:
  std::string slots(const std::string& name) {
    return source().value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + name +
                          "'");
  }
};

TEST_P(ImportFollowDeleteTest, DeleteDropsTheSlotOrSaysHow) {
  ok({"project", "create", "live", "--from", source().url(), "--follow", "--slot", "velo_live",
      "--save-credentials"});
  ASSERT_EQ(slots("velo_live"), "1");
  CliResult deleted = ok({"project", "delete", "live"});
  EXPECT_EQ(slots("velo_live"), "0");
  EXPECT_EQ(deleted.err.find("warning"), std::string::npos) << deleted.describe();

  // The source gone: the delete goes through and tells the SQL to run.
  ok({"project", "create", "gone", "--from", source().url(), "--follow", "--slot", "velo_gone",
      "--save-credentials"});
  ASSERT_TRUE(source().stop().ok());
  CliResult orphaned = ok({"project", "delete", "gone"});
  EXPECT_NE(orphaned.err.find("velo: warning: "), std::string::npos) << orphaned.describe();
  EXPECT_NE(orphaned.err.find("pg_drop_replication_slot('velo_gone')"), std::string::npos)
      << orphaned.describe();
  EXPECT_EQ(orphaned.err.find(SourceServer::kPassword), std::string::npos) << orphaned.describe();
  EXPECT_TRUE(ok_json({"project", "list"}).empty());
  EXPECT_TRUE(storage_names().empty()) << ::testing::PrintToString(storage_names());
}

INSTANTIATE_TEST_SUITE_P(Import, ImportFollowDeleteTest,
                         ::testing::ValuesIn(kinds_for_run({"copy"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace velo::e2e
