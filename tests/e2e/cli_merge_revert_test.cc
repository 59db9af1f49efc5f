// velo merge revert through the built binary: the inverse migration keeps
// what the target changed after the merge; --to-snapshot puts the target's
// data back and only with --allow-hazards; a second merge of one branch
// starts from its last merge; a point-in-time branch diffs against its
// state when promoted.
#include <gtest/gtest.h>

#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

class CliMergeRevertTest : public CliTest {
 protected:
  // The columns of public.t on a branch, in order.
  std::string columns(const std::string& branch) {
    return sql_value(branch,
                     "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                     "information_schema.columns WHERE table_schema = 'public' AND "
                     "table_name = 't'");
  }
  int64_t merge_id(const nlohmann::json& merged) {
    EXPECT_TRUE(merged.is_object() && merged.contains("id")) << merged.dump();
    return merged.value("id", int64_t{0});
  }
  std::string outcome(int64_t id) {
    return ok_json({"merge", "show", std::to_string(id)}).value("outcome", std::string());
  }
};

TEST_P(CliMergeRevertTest, TheInverseMigrationKeepsLaterChangesOfTheTarget) {
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t (id int PRIMARY KEY)").ok());
  create_branch("demo/dev");
  ASSERT_TRUE(sql("demo/dev", "ALTER TABLE t ADD COLUMN b int").ok());
  int64_t id = merge_id(ok_json({"branch", "merge", "demo/dev"}));
  EXPECT_EQ(columns("demo/main"), "id,b");
  // After the merge, main changes on its own.
  ASSERT_TRUE(sql("demo/main", "ALTER TABLE t ADD COLUMN c int").ok());

  // Dropping b loses data: refused, nothing changed.
  CliResult refused = velo().run({"merge", "revert", std::to_string(id)});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_NE(refused.err.find("would lose data"), std::string::npos) << refused.describe();
  EXPECT_EQ(columns("demo/main"), "id,b,c");
  EXPECT_EQ(outcome(id), "applied");

  nlohmann::json reverted = ok_json({"merge", "revert", std::to_string(id), "--allow-hazards"});
  EXPECT_EQ(columns("demo/main"), "id,c");
  EXPECT_EQ(outcome(id), "applied, reverted by " + std::to_string(merge_id(reverted)));
  // Reverted once is enough.
  EXPECT_EQ(velo().run({"merge", "revert", std::to_string(id)}).exit_code, 2);

  // The merge base went back: merging dev again brings b again.
  ok({"branch", "merge", "demo/dev"});
  EXPECT_EQ(columns("demo/main"), "id,c,b");
}

TEST_P(CliMergeRevertTest, ToSnapshotDiscardsLaterWritesOnlyWhenAllowed) {
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t (id int PRIMARY KEY)").ok());
  ASSERT_TRUE(sql("demo/main", "INSERT INTO t VALUES (1)").ok());
  create_branch("demo/dev");
  ASSERT_TRUE(sql("demo/dev", "ALTER TABLE t ADD COLUMN b int").ok());
  int64_t id = merge_id(ok_json({"branch", "merge", "demo/dev"}));
  ASSERT_TRUE(sql("demo/main", "INSERT INTO t VALUES (2)").ok());

  CliResult refused = velo().run({"merge", "revert", std::to_string(id), "--to-snapshot"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_NE(refused.err.find("discards every write since the merge"), std::string::npos)
      << refused.describe();
  EXPECT_NE(refused.err.find("transactions"), std::string::npos) << refused.describe();
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM t"), "2");

  const std::string url_before = url("demo/main");
  ok({"merge", "revert", std::to_string(id), "--to-snapshot", "--allow-hazards"});
  EXPECT_EQ(columns("demo/main"), "id");
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM t"), "1");
  EXPECT_EQ(url("demo/main"), url_before) << "port and password are kept";
  // The branch made before still diffs against its starting point, whose
  // snapshot lives on main's earlier volume.
  nlohmann::json diff = ok_json({"branch", "diff", "demo/dev"});
  EXPECT_EQ(diff["changes"].size(), 1u) << diff.dump();
  EXPECT_TRUE(orphans().empty());
  ok({"branch", "delete", "demo/dev"});
  ok({"gc"});
  EXPECT_TRUE(orphans().empty());
}

TEST_P(CliMergeRevertTest, APointInTimeBranchDiffsAgainstItsStateWhenPromoted) {
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t (id int PRIMARY KEY)").ok());
  ok({"snapshot", "create", "demo/main"});
  const std::string lsn = sql_value("demo/main", "SELECT pg_current_wal_lsn()");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE later (x int)").ok());
  ok({"branch", "create", "demo/then", "--lsn", lsn});
  nlohmann::json empty = ok_json({"branch", "diff", "demo/then"});
  EXPECT_TRUE(empty["changes"].empty()) << empty.dump();
  ASSERT_TRUE(sql("demo/then", "ALTER TABLE t ADD COLUMN b int").ok());
  nlohmann::json one = ok_json({"branch", "diff", "demo/then"});
  ASSERT_EQ(one["changes"].size(), 1u) << one.dump();
  EXPECT_EQ(one["changes"][0]["identity"], "public.t.b");
}

VELO_CLI_INSTANTIATE_ON(CliMergeRevertTest, std::string("btrfs"));

}  // namespace
}  // namespace velo::e2e
