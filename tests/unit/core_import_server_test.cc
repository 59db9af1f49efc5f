// velo project create --from URL against fakes: the source is probed over
// a session, pg_basebackup (FakeRunner) copies it with the password in its
// environment only, velo's files go in, main starts and gets the project's
// password over the admin socket (or, following, is checked to stream).
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/import/area.h"
#include "core/import/server.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

constexpr char kSecret[] = "s3cr3t-pass";
constexpr char kBasebackup[] = "/usr/lib/postgresql/15/bin/pg_basebackup";

class ImportServerTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    if (::access(kBasebackup, X_OK) != 0) {
      GTEST_SKIP() << kBasebackup << " is missing: import checks for the client tools";
    }
    // The source: PostgreSQL 15, a REPLICATION role, bootstrap superuser "admin".
    pg_.on("FROM pg_roles r WHERE r.rolname = current_user", {{"velo", "f", "t", "admin", "0"}});
    pg_.on("sum(pg_database_size(oid))", {{"1048576"}});
    pg_.on("SELECT count(*) FROM pg_replication_slots", {{"0"}});
    pg_.on("SELECT status FROM pg_stat_wal_receiver", {{"streaming"}});
    options_.project.name = "api";
    options_.source_url = std::string("postgres://velo:") + kSecret + "@db.example:5433/postgres";
  }
  Result<core::BranchHandle> run() { return core::create_project_from_server(*ctx_, options_); }
  std::vector<PgStatement> on_source() {
    std::vector<PgStatement> out;
    for (const auto& s : pg_.statements()) {
      if (s.conn.host == "db.example") out.push_back(s);
    }
    return out;
  }
  const Command* basebackup() {
    for (const auto& command : runner_.commands()) {
      if (!command.argv.empty() && command.argv[0] == kBasebackup) return &command;
    }
    return nullptr;
  }

  core::ImportServerOptions options_;
};

TEST_F(ImportServerTest, CopiesStartsAndSetsTheProjectsPasswordOverTheAdminSocket) {
  auto made = run();
  ASSERT_TRUE(made.ok()) << made.error().message;
  // The source was probed as the URL says.
  auto probed = on_source();
  ASSERT_EQ(probed.size(), 2u);
  EXPECT_EQ(probed[0].conn.port, 5433);
  EXPECT_EQ(probed[0].conn.user, "velo");
  EXPECT_EQ(probed[0].conn.password, kSecret);
  // pg_basebackup: the password in its environment, never in argv.
  const Command* copy = basebackup();
  ASSERT_NE(copy, nullptr);
  for (const auto& arg : copy->argv) EXPECT_EQ(arg.find(kSecret), std::string::npos) << arg;
  EXPECT_NE(std::find(copy->argv.begin(), copy->argv.end(), "--pgdata=" + made->spec.data_dir),
            copy->argv.end());
  EXPECT_NE(std::find(copy->env.begin(), copy->env.end(),
                      std::pair<std::string, std::string>{"PGPASSWORD", kSecret}),
            copy->env.end());
  // velo's files, and main running as the source's bootstrap superuser.
  EXPECT_TRUE(core::is_imported(made->spec.data_dir));
  EXPECT_EQ(made->project.superuser, "admin");
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{"api/main@" + made->branch.volume});
  state::BranchRecord main = branch_row("api", "main");
  EXPECT_EQ(main.status, "ready");
  EXPECT_EQ(main.password, made->project.password);
  // Set by peer on the private socket: main had no password of velo's yet.
  auto alter = pg_.matching("ALTER ROLE %I");
  ASSERT_EQ(alter.size(), 1u);
  EXPECT_EQ(alter[0].conn.host, core::admin_socket_dir(main.port));
  EXPECT_EQ(alter[0].conn.password, "");
  EXPECT_EQ(alter[0].params,
            (std::vector<std::string>{"admin", FakePg::verifier("admin", main.password)}));
}

TEST_F(ImportServerTest, FollowingMainStreamsAndKeepsNoPassword) {
  options_.follow = true;
  options_.slot = "velo_api";
  auto made = run();
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto slot = pg_.matching("SELECT count(*) FROM pg_replication_slots");
  ASSERT_EQ(slot.size(), 1u);
  EXPECT_EQ(slot[0].params, std::vector<std::string>{"velo_api"});
  const Command* copy = basebackup();
  ASSERT_NE(copy, nullptr);
  EXPECT_NE(std::find(copy->argv.begin(), copy->argv.end(), "--slot=velo_api"), copy->argv.end());
  auto follow = core::read_follow(made->spec.data_dir);
  ASSERT_TRUE(follow.ok() && follow->has_value());
  EXPECT_EQ((*follow)->slot, "velo_api");
  EXPECT_EQ((*follow)->conninfo.find(kSecret), std::string::npos);
  EXPECT_EQ(pg_.count("ALTER ROLE"), 0);
  EXPECT_EQ(pg_.matching("pg_stat_wal_receiver").at(0).conn.host,
            core::admin_socket_dir(made->branch.port));
  EXPECT_EQ(branch_row("api", "main").password, "");
}

// What the source or the options say before anything is made.
struct RefusalCase {
  std::string name;
  std::function<void(FakePg&, core::ImportServerOptions&)> setup;
  ErrorKind kind;
};
void PrintTo(const RefusalCase& c, std::ostream* os) { *os << c.name; }

class ImportRefusalTest : public ImportServerTest,
                          public ::testing::WithParamInterface<RefusalCase> {};

TEST_P(ImportRefusalTest, MakesNothing) {
  GetParam().setup(pg_, options_);
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, GetParam().kind) << made.error().message;
  EXPECT_EQ(made.error().message.find(kSecret), std::string::npos) << made.error().message;
  EXPECT_EQ(world(), "");
  EXPECT_EQ(basebackup(), nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    Source, ImportRefusalTest,
    ::testing::Values(
        RefusalCase{"OtherMajor", [](FakePg& pg, auto&) { pg.server_version = 160002; },
                    ErrorKind::Invalid},
        RefusalCase{"NoReplication",
                    [](FakePg& pg, auto&) {
                      pg.on("FROM pg_roles r WHERE", {{"velo", "f", "f", "admin", "0"}});
                    },
                    ErrorKind::Invalid},
        RefusalCase{"Tablespaces",
                    [](FakePg& pg, auto&) {
                      pg.on("FROM pg_roles r WHERE", {{"velo", "t", "f", "admin", "2"}});
                    },
                    ErrorKind::Invalid},
        RefusalCase{"LoginRefused",
                    [](FakePg& pg, auto&) {
                      pg.refuse(5433, "FATAL:  password authentication failed for user \"velo\"");
                    },
                    ErrorKind::Invalid},
        RefusalCase{"Unreachable",
                    [](FakePg& pg, auto&) {
                      pg.refuse(5433, "Connection refused\n\tIs the server running?");
                    },
                    ErrorKind::Unavailable},
        RefusalCase{"SlotTaken",
                    [](FakePg& pg, core::ImportServerOptions& o) {
                      o.follow = true;
                      o.slot = "velo_api";
                      pg.on("SELECT count(*) FROM pg_replication_slots", {{"1"}});
                    },
                    ErrorKind::Conflict},
        RefusalCase{"SlotWithoutFollow",
                    [](FakePg&, core::ImportServerOptions& o) { o.slot = "velo_api"; },
                    ErrorKind::Invalid},
        RefusalCase{"FollowOnDocker",
                    [](FakePg&, core::ImportServerOptions& o) {
                      o.follow = true;
                      o.project.runtime = "docker";
                    },
                    ErrorKind::Invalid},
        RefusalCase{"NotAUrl",
                    [](FakePg&, core::ImportServerOptions& o) { o.source_url = "db.example"; },
                    ErrorKind::Invalid}),
    [](const auto& info) { return info.param.name; });

TEST_F(ImportServerTest, AnExistingProjectIsAConflict) {
  seed_project("api");
  const std::string before = world();
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(world(), before);
  EXPECT_TRUE(pg_.connections().empty());
}

// A failure at each step up to main's start leaves nothing, and a slot
// pg_basebackup made is dropped on the source.
class ImportFailureTest : public ImportServerTest,
                          public ::testing::WithParamInterface<FailureCase> {};

TEST_P(ImportFailureTest, LeavesNothing) {
  options_.follow = true;
  options_.slot = "velo_api";
  Faults f = faults();
  GetParam().inject(f);
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().message.find(kSecret), std::string::npos) << made.error().message;
  EXPECT_EQ(world(), "");
  auto dropped = pg_.matching("pg_drop_replication_slot");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].conn.host, "db.example");
  EXPECT_EQ(dropped[0].params, std::vector<std::string>{"velo_api"});
}

INSTANTIATE_TEST_SUITE_P(
    Steps, ImportFailureTest,
    ::testing::Values(FailureCase{"Basebackup",
                                  [](Faults& f) {
                                    f.runner.fail({kBasebackup}, 1,
                                                  std::string("pg_basebackup: error: connection to "
                                                              "postgres://velo:") +
                                                      kSecret + "@db.example:5433 failed\n");
                                  }},
                      FailureCase{"DiskFull",
                                  [](Faults& f) {
                                    f.runner.fail({kBasebackup}, 1,
                                                  "pg_basebackup: error: could not write to file "
                                                  "\"base/1/1249\": No space left on device\n"
                                                  "pg_basebackup: removing data directory\n");
                                  }},
                      FailureCase{"Adopt", [](Faults& f) { f.runtime.fail_next("adopt"); }}),
    case_name);

TEST_F(ImportServerTest, AFailedVolumeLeavesNothingAndNeedsNoSlotDropped) {
  options_.follow = true;
  options_.slot = "velo_api";
  driver_->fail_next("create_volume");
  ASSERT_FALSE(run().ok());
  EXPECT_EQ(world(), "");
  EXPECT_EQ(pg_.count("pg_drop_replication_slot"), 0);
}

TEST_F(ImportServerTest, AFullDiskIsSaidPlainly) {
  runner_.fail({kBasebackup}, 1,
               "pg_basebackup: error: could not write to file \"base/1/1249\": No space left on "
               "device\npg_basebackup: removing data directory\n");
  auto made = run();
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("the disk filled up"), std::string::npos)
      << made.error().message;
}

// A failure from main's start on leaves nothing either: no server, no
// admin socket directory.
INSTANTIATE_TEST_SUITE_P(
    LaterSteps, ImportFailureTest,
    ::testing::Values(FailureCase{"Start", [](Faults& f) { f.runtime.fail_next("start"); }},
                      FailureCase{"NotStreaming",
                                  [](Faults& f) {
                                    f.pg.on("SELECT status FROM pg_stat_wal_receiver", {});
                                    f.runtime.log =
                                        "FATAL:  could not connect to the primary server: "
                                        "password authentication failed\n";
                                  }},
                      FailureCase{"Ready", [](Faults& f) { f.fail_writes("branches", "UPDATE"); }}),
    case_name);

}  // namespace
}  // namespace velo::testing
