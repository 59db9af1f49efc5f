// velo project create --from-dump FILE: custom, directory and plain dumps.
#include <gtest/gtest.h>

#include "support/import_fixture.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class ImportDumpTest : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(source().sql("CREATE DATABASE shop").ok());
    ASSERT_TRUE(source().pgbench_init(1, "shop").ok());
    expected_ = source().value(kCounts, "shop");
    // An owner and grantees that the new cluster lacks.
    for (const char* statement :
         {"CREATE ROLE app_owner", "CREATE ROLE reader", "CREATE ROLE \"Odd \"\"Reader\"\"\"",
          "ALTER TABLE pgbench_accounts OWNER TO app_owner",
          "GRANT SELECT ON pgbench_accounts TO reader",
          "GRANT SELECT ON pgbench_branches TO \"Odd \"\"Reader\"\"\""}) {
      ASSERT_TRUE(source().sql(statement, "shop").ok()) << statement;
    }
  }

  // The restore kept the dump's owner and grants, on roles velo created
  // NOLOGIN; and no more than were granted.
  void expect_owner_and_grants(const std::string& db) {
    auto conn = connect("shop/main", db);
    ASSERT_TRUE(conn.has_value());
    auto rows = conn->query(
        "SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'pgbench_accounts'), "
        "has_table_privilege('reader', 'pgbench_accounts', 'SELECT'), "
        "has_table_privilege('reader', 'pgbench_accounts', 'UPDATE'), "
        "has_table_privilege('Odd \"Reader\"', 'pgbench_branches', 'SELECT'), "
        "(SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname COLLATE \"C\") "
        " FROM pg_roles WHERE rolname IN ('app_owner', 'reader', 'Odd \"Reader\"'))");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(rows->at(0), (pg::Row{"app_owner", "t", "f", "t",
                                    "Odd \"Reader\":false,app_owner:false,reader:false"}));
  }
  // kCounts in database `db` of shop/main.
  std::string counts_in(const std::string& db) {
    auto conn = connect("shop/main", db);
    if (!conn) return "<no connection>";
    auto rows = conn->query(kCounts);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() && rows->size() == 1 ? rows->at(0).at(0) : "<no single row>";
  }
  static constexpr const char* kCounts =
      "SELECT (SELECT count(*) FROM pgbench_accounts) || '/' || (SELECT sum(abalance) FROM "
      "pgbench_accounts) || '/' || (SELECT count(*) FROM pgbench_branches)";
  std::string expected_;
};

TEST_P(ImportDumpTest, Custom) {
  std::string dump = pool().dir() + "/shop.dump";
  ASSERT_TRUE(source().run_client("pg_dump", {"-Fc", "-f", dump, "shop"}).ok());
  CliResult r = velo().run_json({"project", "create", "shop", "--from-dump", dump, "--jobs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("restoring"), std::string::npos) << r.err;
  EXPECT_EQ(r.json()["roles_created"],
            nlohmann::json::array({"Odd \"Reader\"", "app_owner", "reader"}));
  expect_owner_and_grants("shop");
  // Into a database named as in the dump.
  EXPECT_EQ(sql_value("shop/main", "SELECT count(*) FROM pg_database WHERE datname = 'shop'"), "1");
  EXPECT_EQ(counts_in("shop"), expected_);
}

TEST_P(ImportDumpTest, Directory) {
  std::string dump = pool().dir() + "/shop.dir";
  ASSERT_TRUE(source().run_client("pg_dump", {"-Fd", "-j", "2", "-f", dump, "shop"}).ok());
  ok({"project", "create", "shop", "--from-dump", dump, "--jobs", "2"});
  expect_owner_and_grants("shop");
  EXPECT_EQ(counts_in("shop"), expected_);
}

TEST_P(ImportDumpTest, Plain) {
  // A plain dump without --create goes into database postgres.
  std::string dump = pool().dir() + "/shop.sql";
  ASSERT_TRUE(source().run_client("pg_dump", {"-Fp", "-f", dump, "shop"}).ok());
  CliResult r = ok({"project", "create", "shop", "--from-dump", dump});
  EXPECT_NE(r.out.find("created NOLOGIN roles for the dump's owners and grants: Odd \"Reader\", "
                       "app_owner, reader"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(counts_in("postgres"), expected_);
  expect_owner_and_grants("postgres");
}

TEST_P(ImportDumpTest, BrokenDumpLeavesNothing) {
  std::string dump = pool().dir() + "/broken.sql";
  // Fails after velo created the role it names: the rollback takes that too.
  ASSERT_TRUE(write_file_atomic(dump,
                                "CREATE TABLE t (id int);\nALTER TABLE t OWNER TO ghost;\n"
                                "THIS IS NOT SQL;\n",
                                0644)
                  .ok());
  CliResult r = velo().run({"project", "create", "broken", "--from-dump", dump});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("syntax error"), std::string::npos) << r.describe();
  EXPECT_TRUE(ok_json({"project", "list"}).empty());
  EXPECT_TRUE(storage_names().empty());
}

INSTANTIATE_TEST_SUITE_P(Import, ImportDumpTest, ::testing::ValuesIn(kinds_for_run({"copy"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace velo::e2e
