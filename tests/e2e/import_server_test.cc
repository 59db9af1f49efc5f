// velo project create --from URL: a physical copy of a running server.
#include <gtest/gtest.h>

#include "support/import_fixture.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class ImportServerTest : public ImportTest {};

TEST_P(ImportServerTest, CopiesPgbenchAndBranchesFromIt) {
  ASSERT_TRUE(source().pgbench_init(1).ok());
  const std::string counts =
      "SELECT (SELECT count(*) FROM pgbench_accounts) || '/' || "
      "(SELECT count(*) FROM pgbench_branches) || '/' || (SELECT sum(abalance) FROM "
      "pgbench_accounts)";
  std::string expected = source().value(counts);
  ASSERT_TRUE(source().sql("CREATE ROLE reporter LOGIN PASSWORD 'Reporter-Pass-1'").ok());
  ASSERT_TRUE(source().sql("GRANT SELECT ON pgbench_tellers TO reporter").ok());

  CliResult created = ok({"project", "create", "prod", "--from", source().url()});
  // The password is never printed.
  EXPECT_EQ(created.out.find(SourceServer::kPassword), std::string::npos) << created.out;
  EXPECT_EQ(created.err.find(SourceServer::kPassword), std::string::npos) << created.err;
  EXPECT_NE(created.out.find("postgres://postgres:***@"), std::string::npos) << created.out;

  // Through velo's own URL (velo's generated password on the copy).
  EXPECT_EQ(sql_value("prod/main", counts), expected);
  EXPECT_EQ(sql_value("prod/main", "SELECT pg_is_in_recovery()"), "f");
  // The URL named postgres: the project's connections do too.
  EXPECT_EQ(show("prod/main")["database"], "postgres");
  // The source's other roles and their passwords came along (velo set its
  // own password on the bootstrap superuser only).
  pg::ConnParams reporter = main_params("prod");
  reporter.user = "reporter";
  reporter.password = "Reporter-Pass-1";
  auto conn = pg::Connection::open(reporter);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  auto tellers = conn->query("SELECT count(*) FROM pgbench_tellers");
  ASSERT_TRUE(tellers.ok()) << tellers.error().message;
  EXPECT_EQ(tellers->at(0).at(0), "10");

  // Not kept anywhere in velo's home.
  auto state = read_file(velo().home() + "/state.db");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->find(SourceServer::kPassword), std::string::npos);

  // A branch of the copy is an ordinary writable branch.
  create_branch("prod/dev");
  ASSERT_TRUE(sql("prod/dev", "UPDATE pgbench_accounts SET abalance = abalance + 1").ok());
  EXPECT_EQ(sql_value("prod/main", counts), expected);
  EXPECT_NE(sql_value("prod/dev", counts), expected);
}

TEST_P(ImportServerTest, CredentialsFromPgpassfile) {
  // No password in the URL: libpq's passfile, as for psql.
  std::string passfile = pool().dir() + "/pgpass";
  ASSERT_TRUE(write_file_atomic(passfile,
                                "127.0.0.1:" + std::to_string(source().port()) +
                                    ":*:postgres:" + SourceServer::kPassword + "\n",
                                0600)
                  .ok());
  Command command;
  command.argv = {
      VELO_BINARY, "--home",   velo().home(), "project",
      "create",    "fromfile", "--from",      source().url("postgres", "", "template1")};
  command.env = {{"PGPASSFILE", passfile}};
  RealProcessRunner runner;
  auto result = runner.run(command);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 0) << result->err;
  EXPECT_EQ(sql_value("fromfile/main", "SELECT 1"), "1");
  // The database the URL named is the project's default.
  EXPECT_EQ(show("fromfile/main")["database"], "template1");
}

INSTANTIATE_TEST_SUITE_P(Import, ImportServerTest, ::testing::ValuesIn(kinds_for_run({"copy"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace velo::e2e
