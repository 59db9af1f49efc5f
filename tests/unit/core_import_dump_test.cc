// velo project create --from-dump against fakes: a project is made, the
// dump's database and roles are created over a session, and pg_restore or
// psql (FakeRunner) restores into main with the password in its
// environment; a failure at any step deletes the project again.
#include <gtest/gtest.h>

#include "core/import/dump.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

constexpr char kRestore[] = "/usr/lib/postgresql/15/bin/pg_restore";
constexpr char kPsql[] = "/usr/lib/postgresql/15/bin/psql";

class ImportDumpTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    custom_ = home_ + "/shop.dump";
    plain_ = home_ + "/shop.sql";
    ASSERT_TRUE(write_file_atomic(custom_, "PGDMP\x01\x0e", 0600).ok());
    ASSERT_TRUE(write_file_atomic(plain_,
                                  "CREATE TABLE t (id int);\nALTER TABLE t OWNER TO alice;\n"
                                  "GRANT SELECT ON t TO bob;\n",
                                  0600)
                    .ok());
    runner_.succeed({kRestore, "--list"}, ";\n; dbname: shop\n;\n");
    runner_.succeed({kRestore, "--schema-only"}, "ALTER TABLE public.t OWNER TO alice;\n");
    pg_.on("SELECT count(*) FROM pg_database WHERE datname = $1", {{"0"}});
    pg_.on_call("format('CREATE DATABASE %I'", [](const PgStatement& s) -> FakePg::Answer {
      return std::vector<pg::Row>{{"CREATE DATABASE \"" + s.params.at(0) + "\""}};
    });
    pg_.on_regex("^SELECT rolname FROM pg_roles$", {{"postgres"}, {"bob"}});
    options_.project.name = "shop";
    options_.dump_path = custom_;
    options_.jobs = 2;
  }
  Result<core::DumpImport> run() { return core::create_project_from_dump(*ctx_, options_); }
  const Command* restored(const char* program) {
    for (const auto& command : runner_.commands()) {
      bool restore = command.argv.size() > 1 && command.argv[0] == program &&
                     command.argv[1].starts_with("--host=");
      if (restore) return &command;
    }
    return nullptr;
  }
  static bool has(const Command& command, const std::string& arg) {
    return std::find(command.argv.begin(), command.argv.end(), arg) != command.argv.end();
  }

  std::string custom_, plain_;
  core::ImportDumpOptions options_;
};

TEST_F(ImportDumpTest, CustomDumpGetsItsDatabaseAndRolesThenPgRestore) {
  auto made = run();
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->created_roles, std::vector<std::string>{"alice"});
  EXPECT_EQ(pg_.count("CREATE DATABASE \"shop\""), 1);
  EXPECT_EQ(pg_.count("CREATE ROLE \"alice\" NOLOGIN"), 1);
  for (const auto& s : pg_.statements()) {
    EXPECT_EQ(s.conn.port, made->handle.branch.port);
    EXPECT_EQ(s.conn.password, made->handle.project.password);
  }
  const Command* restore = restored(kRestore);
  ASSERT_NE(restore, nullptr);
  EXPECT_TRUE(has(*restore, "--dbname=shop"));
  EXPECT_TRUE(has(*restore, "--jobs=2"));
  EXPECT_TRUE(has(*restore, "--exit-on-error"));
  EXPECT_EQ(restore->argv.back(), custom_);
  for (const auto& arg : restore->argv) {
    EXPECT_EQ(arg.find(made->handle.project.password), std::string::npos) << arg;
  }
  EXPECT_NE(
      std::find(restore->env.begin(), restore->env.end(),
                std::pair<std::string, std::string>{"PGPASSWORD", made->handle.project.password}),
      restore->env.end());
  EXPECT_EQ(runtime_.running(),
            std::vector<std::string>{"shop/main@" + made->handle.branch.volume});
}

TEST_F(ImportDumpTest, AnExistingDatabaseIsRestoredInto) {
  pg_.on("SELECT count(*) FROM pg_database WHERE datname = $1", {{"1"}});
  ASSERT_TRUE(run().ok());
  EXPECT_EQ(pg_.count("CREATE DATABASE"), 0);
}

TEST_F(ImportDumpTest, PlainDumpGoesThroughPsqlIntoPostgres) {
  options_.dump_path = plain_;
  options_.jobs = 1;
  auto made = run();
  ASSERT_TRUE(made.ok()) << made.error().message;
  // Roles read from the script itself; bob exists already.
  EXPECT_EQ(made->created_roles, std::vector<std::string>{"alice"});
  EXPECT_EQ(runner_.count(std::string(kRestore)), 0);
  EXPECT_EQ(pg_.count("CREATE DATABASE"), 0);
  const Command* psql = restored(kPsql);
  ASSERT_NE(psql, nullptr);
  EXPECT_TRUE(has(*psql, "--file=" + plain_));
  EXPECT_TRUE(has(*psql, "--dbname=postgres"));
  EXPECT_TRUE(has(*psql, "--set=ON_ERROR_STOP=1"));
}

TEST_F(ImportDumpTest, BadOptionsMakeNothing) {
  std::vector<core::ImportDumpOptions> bad(4, options_);
  bad[0].jobs = 0;
  bad[1].dump_path = plain_;  // with --jobs 2
  bad[2].dump_path = home_ + "/missing.dump";
  bad[3].project.name = "Shop";
  for (const auto& options : bad) {
    auto made = core::create_project_from_dump(*ctx_, options);
    ASSERT_FALSE(made.ok());
    EXPECT_TRUE(made.error().kind == ErrorKind::Invalid || made.error().kind == ErrorKind::NotFound)
        << made.error().message;
  }
  EXPECT_EQ(world(), "");
  EXPECT_TRUE(runner_.commands().empty());
}

TEST_F(ImportDumpTest, AFailedRestoreSaysWhy) {
  runner_.fail({kRestore, "--host=127.0.0.1"}, 1,
               "pg_restore: error: could not execute query: ERROR:  relation \"t\" exists\n");
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("relation \"t\" exists"), std::string::npos)
      << made.error().message;
}

TEST_F(ImportDumpTest, AFullDiskIsSaidPlainly) {
  runner_.fail({kRestore, "--host=127.0.0.1"}, 1,
               "pg_restore: error: could not extend file: No space left on device\n");
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("the disk filled up"), std::string::npos)
      << made.error().message;
}

TEST_F(ImportDumpTest, AProjectThatCannotBeMadeRestoresNothing) {
  runtime_.fail_next("start");
  ASSERT_FALSE(run().ok());
  EXPECT_EQ(world(), "");
  EXPECT_EQ(restored(kRestore), nullptr);
  EXPECT_EQ(runner_.count(std::string(kRestore) + " --list"), 0);
}

// A failure at each step after the project is made deletes it again.
class ImportDumpFailureTest : public ImportDumpTest,
                              public ::testing::WithParamInterface<FailureCase> {};

TEST_P(ImportDumpFailureTest, LeavesNothing) {
  Faults f = faults();
  GetParam().inject(f);
  ASSERT_FALSE(run().ok());
  EXPECT_EQ(world(), "");
}

INSTANTIATE_TEST_SUITE_P(
    Steps, ImportDumpFailureTest,
    ::testing::Values(
        FailureCase{"Listing",
                    [](Faults& f) {
                      f.runner.fail({kRestore, "--list", f.home + "/shop.dump"}, 1,
                                    "pg_restore: error: bad archive\n");
                    }},
        FailureCase{"Session", [](Faults& f) { f.pg.refuse(40000); }},
        FailureCase{"CreateDatabase", [](Faults& f) { f.pg.fail_regex("^CREATE DATABASE"); }},
        FailureCase{"SchemaScript",
                    [](Faults& f) {
                      f.runner.fail({kRestore, "--schema-only", "--file=-", f.home + "/shop.dump"},
                                    1, "pg_restore: error\n");
                    }},
        FailureCase{"ExistingRoles", [](Faults& f) { f.pg.fail("FROM pg_roles"); }},
        FailureCase{"QuoteRole", [](Faults& f) { f.pg.fail("\\quote_identifier"); }},
        FailureCase{"CreateRole", [](Faults& f) { f.pg.fail("CREATE ROLE"); }},
        FailureCase{"Restore",
                    [](Faults& f) {
                      f.runner.fail({kRestore, "--host=127.0.0.1"}, 1, "pg_restore: error\n");
                    }},
        FailureCase{"RestoreCannotRun",
                    [](Faults& f) {
                      f.runner.not_installed({kRestore, "--host=127.0.0.1"});
                    }}),
    case_name);

// The restore is a step of the project's create: its error comes back,
// and an undo that fails too is a warning, not the error.
TEST_F(ImportDumpTest, AFailedUndoLeavesTheRestoresError) {
  runner_.fail({kRestore, "--host=127.0.0.1"}, 1, "pg_restore: error: boom\n");
  runtime_.fail_next("stop-immediately");
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("boom"), std::string::npos) << made.error().message;
  EXPECT_EQ(count_rows("projects"), 0);
}

// The restore runs while main's row still says `creating`: velo killed
// there leaves a half-made create, which the next command on the project
// removes with everything made for it (see SnapshotTest's
// CreateOnAHalfMadeProjectRemovesItFirst), not a ready project.
TEST_F(ImportDumpTest, TheRestoreRunsWhileMainIsStillCreating) {
  runner_.fail({kRestore, "--host=127.0.0.1"}, 1, "pg_restore: error: boom\n");
  std::string status_during_restore;
  runner_.on_run = [&](const Command& command) {
    if (command.argv.size() > 1 && command.argv[1] == "--host=127.0.0.1") {
      auto main = store_->branch("shop", "main");
      if (main.ok() && main->has_value()) status_during_restore = (*main)->status;
    }
  };
  (void)run();
  EXPECT_EQ(status_during_restore, "creating");
}

}  // namespace
}  // namespace velo::testing
