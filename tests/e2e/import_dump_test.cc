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
  }
  static constexpr const char* kCounts =
      "SELECT (SELECT count(*) FROM pgbench_accounts) || '/' || (SELECT sum(abalance) FROM "
      "pgbench_accounts) || '/' || (SELECT count(*) FROM pgbench_branches)";
  std::string expected_;
};

TEST_P(ImportDumpTest, Custom) {
  std::string dump = pool().dir() + "/shop.dump";
  ASSERT_TRUE(source().run_client("pg_dump", {"-Fc", "-f", dump, "shop"}).ok());
  CliResult r = ok({"project", "create", "shop", "--from-dump", dump, "--jobs", "2"});
  EXPECT_NE(r.err.find("restoring"), std::string::npos) << r.err;
  // Into a database named as in the dump.
  EXPECT_EQ(sql_value("shop/main", "SELECT count(*) FROM pg_database WHERE datname = 'shop'"), "1");
  auto conn = connect("shop/main", "shop");
  ASSERT_TRUE(conn.has_value());
  auto rows = conn->query(kCounts);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->at(0).at(0), expected_);
}

TEST_P(ImportDumpTest, Directory) {
  std::string dump = pool().dir() + "/shop.dir";
  ASSERT_TRUE(source().run_client("pg_dump", {"-Fd", "-j", "2", "-f", dump, "shop"}).ok());
  ok({"project", "create", "shop", "--from-dump", dump, "--jobs", "2"});
  auto conn = connect("shop/main", "shop");
  ASSERT_TRUE(conn.has_value());
  auto rows = conn->query(kCounts);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->at(0).at(0), expected_);
}

TEST_P(ImportDumpTest, Plain) {
  // A plain dump without --create goes into database postgres.
  std::string dump = pool().dir() + "/shop.sql";
  ASSERT_TRUE(source().run_client("pg_dump", {"-Fp", "--no-owner", "-f", dump, "shop"}).ok());
  ok({"project", "create", "shop", "--from-dump", dump});
  EXPECT_EQ(sql_value("shop/main", kCounts), expected_);
}

TEST_P(ImportDumpTest, BrokenDumpLeavesNothing) {
  std::string dump = pool().dir() + "/broken.sql";
  ASSERT_TRUE(write_file_atomic(dump, "CREATE TABLE t (id int);\nTHIS IS NOT SQL;\n", 0644).ok());
  CliResult r = velo().run({"project", "create", "broken", "--from-dump", dump});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("syntax error"), std::string::npos) << r.describe();
  EXPECT_TRUE(ok_json({"project", "list"}).empty());
  EXPECT_TRUE(storage_names().empty());
}

INSTANTIATE_TEST_SUITE_P(Import, ImportDumpTest, ::testing::Values("copy"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace velo::e2e
