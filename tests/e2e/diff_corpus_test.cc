// The schema differ against a real PostgreSQL 15, case by case from
// tests/e2e/diff_corpus/<case>/: before.sql, and migration.sql on top of
// it. Per case: database A from before.sql, B from before.sql +
// migration.sql, C from before.sql; plan(diff(A, B)) applied to C must
// leave diff(C, B) empty, and diff(A, B) must not be empty. A case with
// theirs.sql is also merged three ways (base = before, ours = B, theirs =
// before + theirs.sql), which must apply cleanly; one with conflict.sql
// must report a conflict against before + conflict.sql.
//
// One throwaway cluster serves the whole suite (SourceServer: a copy of a
// fresh initdb in a temporary directory, run by OS user postgres on a free
// port of 127.0.0.1), stopped and removed when the suite ends.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "diff/diff.h"
#include "diff/kinds.h"
#include "pg/connection.h"
#include "support/source_server.h"
#include "util/fs.h"

namespace velo::diff {
namespace {

namespace fs = std::filesystem;

// The corpus beside this file's source: build/../tests/e2e/diff_corpus,
// or $VELO_DIFF_CORPUS.
fs::path corpus_dir() {
  if (const char* dir = std::getenv("VELO_DIFF_CORPUS")) return dir;
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return exe.parent_path().parent_path() / "tests" / "e2e" / "diff_corpus";
}

// The cases that have `file` (every case has before.sql).
std::vector<std::string> corpus_cases(const std::string& file = "before.sql") {
  std::vector<std::string> cases;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(corpus_dir(), error)) {
    if (fs::exists(entry.path() / file)) cases.push_back(entry.path().filename());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string describe_changes(const std::vector<Change>& changes) {
  std::string text;
  for (const Change& change : changes) {
    text += to_string(change.action) + " " + change.kind + " " + change.identity +
            "\n  old: " + change.old_definition + "\n  new: " + change.new_definition + "\n";
  }
  return text;
}

std::string describe_plan(const Plan& plan) {
  std::string text;
  for (const Statement& statement : plan.statements) text += statement.sql + ";\n";
  return text;
}

// The suite's server, and databases made from the corpus' scripts.
class DiffServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string reason = e2e::SourceServer::unavailable_reason();
    if (reason.empty()) {
      auto server = e2e::SourceServer::start();
      if (server.ok()) {
        server_ = server->release();
        return;
      }
      reason = "cannot start a server: " + server.error().message;
    }
    skip_whole_run(reason);
    skip_reason_ = new std::string(reason);
  }

  // Run as one ctest test of many cases (CMakeLists.txt), a skip is that
  // test's exit code: gtest would report skipped cases as a pass.
  static void skip_whole_run(const std::string& reason) {
    const char* code = std::getenv("VELO_E2E_SKIP_CODE");
    if (code == nullptr) return;
    std::fprintf(stderr, "skipped: %s\n", reason.c_str());
    std::exit(std::atoi(code));
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete skip_reason_;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
  }

  std::string file(const std::string& name) {
    auto text = read_file(case_dir_ / name);
    return text.ok() ? *text : "";
  }

  Result<pg::Connection> connect(const std::string& db) {
    return pg::Connection::open(server_->params(db));
  }

  // A fresh database `db` made by running `scripts` in order.
  void make_database(const std::string& db, const std::vector<std::string>& scripts) {
    auto admin = connect("postgres");
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    ASSERT_TRUE(admin->exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").ok());
    // UTF8 (the template may be SQL_ASCII), for ICU collations.
    Status created = admin->exec("CREATE DATABASE " + db +
                                 " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
    ASSERT_TRUE(created.ok()) << created.error().message;
    auto conn = connect(db);
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    for (const std::string& script : scripts) {
      Status ran = conn->exec(file(script));
      ASSERT_TRUE(ran.ok()) << case_dir_.filename() << "/" << script << ": " << ran.error().message;
    }
  }

  ClusterSchema read(const std::string& db) {
    ClusterSchema cluster;
    auto conn = connect(db);
    EXPECT_TRUE(conn.ok()) << conn.error().message;
    if (!conn.ok()) return cluster;
    auto schema = read_schema(*conn);
    EXPECT_TRUE(schema.ok()) << schema.error().message;
    // One name for every copy, so that the databases compare with each other.
    if (schema.ok()) cluster.databases["app"] = std::move(*schema);
    return cluster;
  }

  // Runs the plan's statements in `db` (or, for those of no database, in
  // postgres), one by one (autocommit). `db` "": in each statement's own.
  void apply(const Plan& plan, const std::string& db) {
    for (const Statement& statement : plan.statements) {
      std::string target = statement.database.empty() ? "postgres"
                           : db.empty()               ? statement.database
                                                      : db;
      auto conn = connect(target);
      ASSERT_TRUE(conn.ok()) << conn.error().message;
      Status ran = conn->exec(statement.sql);
      ASSERT_TRUE(ran.ok()) << statement.sql << ": " << ran.error().message << "\nplan:\n"
                            << describe_plan(plan);
    }
  }

  static e2e::SourceServer* server_;
  static std::string* skip_reason_;
  fs::path case_dir_;
};

e2e::SourceServer* DiffServerTest::server_ = nullptr;
std::string* DiffServerTest::skip_reason_ = nullptr;

class DiffCorpusTest : public DiffServerTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    DiffServerTest::SetUp();
    case_dir_ = corpus_dir() / GetParam();
  }
};
// Cases with theirs.sql, and with conflict.sql.
class DiffCorpusMergeTest : public DiffCorpusTest {};
class DiffCorpusConflictTest : public DiffCorpusTest {};

TEST_P(DiffCorpusTest, PlanTurnsBeforeIntoAfter) {
  ASSERT_NO_FATAL_FAILURE(make_database("diff_a", {"before.sql"}));
  ASSERT_NO_FATAL_FAILURE(make_database("diff_b", {"before.sql", "migration.sql"}));
  ASSERT_NO_FATAL_FAILURE(make_database("diff_c", {"before.sql"}));
  ClusterSchema a = read("diff_a");
  ClusterSchema b = read("diff_b");
  // Every kind read has its row of rules (else it plans as an unknown kind).
  for (const auto& [key, object] : b.databases["app"].objects) {
    EXPECT_EQ(rules_for(object.kind).kind, object.kind) << key;
  }
  auto changes = diff(a, b);
  ASSERT_FALSE(changes.empty()) << "the migration changes nothing the differ sees";
  Plan plan_ab = plan(changes, a, b);
  ASSERT_NO_FATAL_FAILURE(apply(plan_ab, "diff_c"));
  auto remaining = diff(read("diff_c"), b);
  EXPECT_TRUE(remaining.empty()) << "after the plan:\n"
                                 << describe_plan(plan_ab) << "still differs:\n"
                                 << describe_changes(remaining);
}

TEST_P(DiffCorpusMergeTest, MergeAppliesOnAChangedTarget) {
  ASSERT_NO_FATAL_FAILURE(make_database("diff_a", {"before.sql"}));
  ASSERT_NO_FATAL_FAILURE(make_database("diff_b", {"before.sql", "migration.sql"}));
  ASSERT_NO_FATAL_FAILURE(make_database("diff_t", {"before.sql", "theirs.sql"}));
  ClusterSchema base = read("diff_a");
  ClusterSchema theirs = read("diff_t");
  ThreeWay merge = three_way(base, read("diff_b"), theirs);
  ASSERT_TRUE(merge.conflicts.empty()) << merge.conflicts[0].identity;
  ASSERT_FALSE(merge.changes.empty());
  Plan merge_plan = plan(merge.changes, theirs, merge.merged);
  ASSERT_NO_FATAL_FAILURE(apply(merge_plan, "diff_t"));
  auto remaining = diff(read("diff_t"), merge.merged);
  EXPECT_TRUE(remaining.empty()) << "after the merge:\n"
                                 << describe_plan(merge_plan) << "still differs:\n"
                                 << describe_changes(remaining);
}

TEST_P(DiffCorpusConflictTest, ConflictingChangeIsReported) {
  ASSERT_NO_FATAL_FAILURE(make_database("diff_a", {"before.sql"}));
  ASSERT_NO_FATAL_FAILURE(make_database("diff_b", {"before.sql", "migration.sql"}));
  ASSERT_NO_FATAL_FAILURE(make_database("diff_t", {"before.sql", "conflict.sql"}));
  ThreeWay merge = three_way(read("diff_a"), read("diff_b"), read("diff_t"));
  EXPECT_FALSE(merge.conflicts.empty()) << describe_changes(merge.changes);
}

INSTANTIATE_TEST_SUITE_P(Corpus, DiffCorpusTest, ::testing::ValuesIn(corpus_cases()),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Corpus, DiffCorpusMergeTest,
                         ::testing::ValuesIn(corpus_cases("theirs.sql")),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Corpus, DiffCorpusConflictTest,
                         ::testing::ValuesIn(corpus_cases("conflict.sql")),
                         [](const auto& info) { return info.param; });

// Whole clusters: read_cluster sees databases come and go, and the plan
// back (DROP DATABASE, CREATE DATABASE and its objects) restores them.
class DiffCorpusClusterTest : public DiffServerTest {};

TEST_F(DiffCorpusClusterTest, PlanRestoresCreatedAndDroppedDatabases) {
  auto admin = connect("postgres");
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  for (const char* db : {"diff_gone", "diff_new"}) {
    ASSERT_TRUE(admin->exec(std::string("DROP DATABASE IF EXISTS ") + db + " WITH (FORCE)").ok());
  }
  ASSERT_TRUE(admin->exec("CREATE DATABASE diff_gone").ok());
  auto gone = connect("diff_gone");
  ASSERT_TRUE(gone.ok());
  ASSERT_TRUE(gone->exec("CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text);"
                         " CREATE VIEW app.v AS SELECT v FROM app.t;")
                  .ok());
  pg::LibpqClient client;
  auto before = read_cluster(client, server_->params("postgres"));
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_EQ(before->databases.count("postgres"), 1u);
  EXPECT_EQ(before->databases.count("template1"), 0u);
  ASSERT_EQ(before->databases.count("diff_gone"), 1u);
  EXPECT_NE(before->databases["diff_gone"].find("view app.v"), nullptr);

  ASSERT_TRUE(admin->exec("DROP DATABASE diff_gone WITH (FORCE)").ok());
  ASSERT_TRUE(admin->exec("CREATE DATABASE diff_new").ok());
  auto after = read_cluster(client, server_->params("postgres"));
  ASSERT_TRUE(after.ok()) << after.error().message;
  auto changes = diff(*before, *after);
  EXPECT_NE(summarize(changes).find("diff_gone: -1 database"), std::string::npos)
      << summarize(changes);
  EXPECT_NE(summarize(changes).find("diff_new: +1 database"), std::string::npos);

  // Back again: the plan from after to before, run against the cluster.
  auto back = diff(*after, *before);
  Plan restore = plan(back, *after, *before);
  for (const Statement& statement : restore.statements) {
    if (statement.sql.rfind("CREATE DATABASE", 0) == 0 ||
        statement.sql.rfind("DROP DATABASE", 0) == 0) {
      EXPECT_FALSE(statement.transactional) << statement.sql;
    }
  }
  ASSERT_NO_FATAL_FAILURE(apply(restore, ""));
  auto restored = read_cluster(client, server_->params("postgres"));
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  auto remaining = diff(*restored, *before);
  EXPECT_TRUE(remaining.empty()) << describe_plan(restore) << describe_changes(remaining);
}

}  // namespace
}  // namespace velo::diff
