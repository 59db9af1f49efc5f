// What goes wrong in an import says so, exits non-zero, never shows the
// password, and leaves no project, volume or server behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/import_fixture.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class ImportErrorsTest : public ImportTest {
 protected:
  // The command fails, says `message`, keeps the password to itself, and
  // leaves nothing behind.
  void expect_clean_failure(const CliResult& r, const std::string& message) {
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find(message), std::string::npos) << r.describe();
    EXPECT_EQ(r.err.find(SourceServer::kPassword), std::string::npos) << r.describe();
    EXPECT_EQ(r.err.find("wrong-Password-9"), std::string::npos) << r.describe();
    EXPECT_TRUE(ok_json({"project", "list"}).empty());
    EXPECT_TRUE(storage_names().empty()) << ::testing::PrintToString(storage_names());
    EXPECT_TRUE(live_servers().empty());
  }
};

TEST_P(ImportErrorsTest, UnreachableSource) {
  ASSERT_TRUE(source().stop().ok());
  expect_clean_failure(velo().run({"project", "create", "p", "--from", source().url()}),
                       "cannot reach the source");
}

TEST_P(ImportErrorsTest, WrongPassword) {
  expect_clean_failure(velo().run({"project", "create", "p", "--from",
                                   source().url("postgres", "wrong-Password-9")}),
                       "refused the login");
}

TEST_P(ImportErrorsTest, RoleWithoutReplication) {
  ASSERT_TRUE(source().sql("CREATE ROLE app LOGIN PASSWORD 'app-Pass-1'").ok());
  expect_clean_failure(
      velo().run({"project", "create", "p", "--from", source().url("app", "app-Pass-1")}),
      "REPLICATION");
}

TEST_P(ImportErrorsTest, SlotThatExistsIsNotTaken) {
  ASSERT_TRUE(source().sql("SELECT pg_create_physical_replication_slot('taken')").ok());
  expect_clean_failure(velo().run({"project", "create", "p", "--from", source().url(), "--follow",
                                   "--slot", "taken", "--save-credentials"}),
                       "already has a replication slot");
  EXPECT_EQ(source().value("SELECT count(*) FROM pg_replication_slots"), "1");
}

TEST_P(ImportErrorsTest, FollowWithoutCredentialsForTheStandby) {
  // Neither --save-credentials nor a ~/.pgpass for the server's OS user:
  // main could never stream, and velo says so instead of leaving it.
  if (path_exists("/var/lib/postgresql/.pgpass")) GTEST_SKIP() << "the postgres user has a .pgpass";
  expect_clean_failure(
      velo().run({"project", "create", "p", "--from", source().url(), "--follow", "--slot", "s1"}),
      "does not stream");
  // The slot made for the failed import is dropped again.
  EXPECT_EQ(source().value("SELECT count(*) FROM pg_replication_slots"), "0");
}

TEST_P(ImportErrorsTest, VersionMismatch) {
  // A real mismatch needs a second major installed; the check itself is
  // unit-tested (import_checks_test.cc).
  for (const char* other : {"13", "14", "16", "17"}) {
    if (::access(("/usr/lib/postgresql/" + std::string(other) + "/bin/postgres").c_str(), X_OK) !=
        0) {
      continue;
    }
    expect_clean_failure(
        velo().run({"project", "create", "p", "--pg-version", other, "--from", source().url()}),
        "source is PostgreSQL 15, this project uses " + std::string(other));
    return;
  }
  GTEST_SKIP() << "only PostgreSQL 15 is installed: no other major to mismatch with";
}

TEST_P(ImportErrorsTest, BadFlagsAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"project", "create", "p", "--follow"},
           {"project", "create", "p", "--from", "mysql://u:p@h/db"},
           {"project", "create", "p", "--from", source().url(), "--slot", "s"},
           {"project", "create", "p", "--from", source().url(), "--runtime", "docker", "--follow"},
           {"project", "create", "p", "--from", source().url(), "--from-dump", "/tmp"},
           {"project", "create", "p", "--from-dump", "/nonexistent/dump"},
           {"project", "create", "Bad Name", "--from", source().url()},
           {"project", "unfollow", "nosuch"}}) {
    CliResult r = velo().run(args);
    std::string problem = check_usage_error(r);
    EXPECT_TRUE(problem.empty()) << problem;
    EXPECT_EQ(r.err.find(SourceServer::kPassword), std::string::npos) << r.describe();
  }
  EXPECT_TRUE(ok_json({"project", "list"}).empty());
}

TEST_P(ImportErrorsTest, UnfollowOfAProjectThatDoesNotFollow) {
  ok({"project", "create", "plain"});
  CliResult r = velo().run({"project", "unfollow", "plain"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_NE(r.err.find("does not follow"), std::string::npos) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Import, ImportErrorsTest, ::testing::ValuesIn(kinds_for_run({"copy"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// Disk full midway: a pool far smaller than the source.
class ImportDiskFullTest : public ::testing::Test {};

TEST_F(ImportDiskFullTest, LeavesNothingBehind) {
  std::string reason = SourceServer::unavailable_reason();
  if (reason.empty()) reason = pool_unavailable_reason("btrfs");
  if (!reason.empty()) GTEST_SKIP() << reason;
  auto pool = TempPool::create("btrfs", 256ull << 20);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  auto source = SourceServer::start();
  ASSERT_TRUE(source.ok()) << source.error().message;
  // About 350 MB of binary digests, which neither zstd (btrfs compresses
  // the pool) nor pglz can shrink: bigger than the pool.
  ASSERT_TRUE(
      (*source)
          ->sql("CREATE TABLE filler AS SELECT g, decode(md5(g::text) || md5((g+1)::text) "
                "|| md5((g+2)::text) || md5((g+3)::text) || md5((g+4)::text) "
                "|| md5((g+5)::text) || md5((g+6)::text) || md5((g+7)::text), 'hex') AS pad "
                "FROM generate_series(1, 2000000) g")
          .ok());
  std::string home = (*pool)->dir() + "/home";
  ASSERT_EQ(::mkdir(home.c_str(), 0700), 0);
  VeloCli velo(home);
  std::vector<std::string> init = (*pool)->init_args();
  init.insert(init.end(), {"--port-range", "31700-31719"});
  CliResult inited = velo.run_json(init);
  ASSERT_EQ(inited.exit_code, 0) << inited.describe();
  // The home's data root (velo's link for the servers) is outside the
  // pool: removed with the test, as CliTest does for its own home.
  struct RemoveDataRoot {
    std::string path;
    ~RemoveDataRoot() { remove_data_root(path); }
  } data_root{inited.json().value("data_root", "")};
  CliResult r = velo.run({"project", "create", "big", "--from", (*source)->url()});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("disk filled up"), std::string::npos) << r.describe();
  CliResult list = velo.run_json({"project", "list"});
  EXPECT_TRUE(list.json().empty()) << list.describe();
  CliResult doctor = velo.run_json({"doctor"});
  for (const auto& finding : doctor.json()) {
    if (finding.value("check", "").rfind("orphan", 0) == 0) {
      EXPECT_EQ(finding.value("status", ""), "ok") << doctor.out;
    }
  }
}

}  // namespace
}  // namespace velo::e2e
