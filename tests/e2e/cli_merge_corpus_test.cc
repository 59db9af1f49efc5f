// The schema differ's corpus (tests/e2e/diff_corpus/<case>/) through the
// built velo binary: what diff_corpus_test.cc checks on the engine, here
// through `velo branch diff --sql` and `velo branch merge` on real branches.
//
// One project carries a batch of cases, each in a database of its own
// named after the case: before.sql loaded into it on main, a branch
// ("ours"), migration.sql applied there. Then
//   - `velo branch diff ours --sql`, run by psql on a second branch made
//     from main with ours (a fresh copy of every before.sql), leaves no
//     difference with ours (`velo branch diff ours --against that`);
//   - `velo branch merge ours --allow-hazards` leaves main's schema equal
//     to ours'.
// Cases with theirs.sql merge three ways (theirs merged into main first,
// through a branch of its own), those with conflict.sql are refused.
// Batches keep the suite to a few velo commands rather than a few per
// case; every check still names its case (its database). One case alone:
// VELO_MERGE_CORPUS_CASES=case[,case...].
//
// On btrfs, where a clone costs nothing: the copy driver copies the whole
// cluster (a batch's databases and WAL, gigabytes) for each branch,
// snapshot and scratch server, three times as long. `scripts/test --long`
// runs it on every pool kind, and parts 2 to 4 of every case, which CI
// leaves out for its time budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

namespace stdfs = std::filesystem;
constexpr auto npos = std::string::npos;

// The corpus beside this file's source (build/../tests/e2e/diff_corpus),
// or $VELO_DIFF_CORPUS.
stdfs::path corpus_dir() {
  if (const char* dir = std::getenv("VELO_DIFF_CORPUS")) return dir;
  std::error_code error;
  stdfs::path exe = stdfs::read_symlink("/proc/self/exe", error);
  return exe.parent_path().parent_path() / "tests" / "e2e" / "diff_corpus";
}

// The cases that have `file`, only those of $VELO_MERGE_CORPUS_CASES when
// it is set.
std::vector<std::string> corpus_cases(const std::string& file) {
  std::set<std::string> only;
  if (const char* env = std::getenv("VELO_MERGE_CORPUS_CASES")) {
    std::istringstream in(env);
    std::string name;
    while (std::getline(in, name, ',')) {
      if (!name.empty()) only.insert(name);
    }
  }
  std::vector<std::string> cases;
  std::error_code error;
  for (const auto& entry : stdfs::directory_iterator(corpus_dir(), error)) {
    const std::string name = entry.path().filename();
    if (!stdfs::exists(entry.path() / file)) continue;
    if (!only.empty() && only.count(name) == 0) continue;
    cases.push_back(name);
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class CliMergeCorpusTest : public CliTest {
 protected:
  // Runs a corpus script of `c` in its database on `branch`.
  void run_script(const std::string& branch, const std::string& c, const std::string& file) {
    auto text = read_file((corpus_dir() / c / file).string());
    ASSERT_TRUE(text.ok()) << c << "/" << file << ": " << text.error().message;
    auto conn = connect(branch, c);
    ASSERT_TRUE(conn.has_value());
    Status ran = conn->exec(*text);
    ASSERT_TRUE(ran.ok()) << c << "/" << file << " on " << branch << ": " << ran.error().message;
  }

  // A database per case on main, with the case's before.sql in it.
  void load_befores(const std::vector<std::string>& cases) {
    auto admin = connect("corpus/main");
    ASSERT_TRUE(admin.has_value());
    for (const auto& c : cases) {
      // UTF8 and C, as the engine's corpus test makes them (ICU collations).
      Status created = admin->exec("CREATE DATABASE " + c +
                                   " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
                                   "LC_CTYPE 'C'");
      ASSERT_TRUE(created.ok()) << c << ": " << created.error().message;
      ASSERT_NO_FATAL_FAILURE(run_script("corpus/main", c, "before.sql"));
    }
  }

  // The changes of a diff's or merge's --json, by database: "create column
  // public.t.w" lines.
  static std::map<std::string, std::vector<std::string>> by_database(const nlohmann::json& r) {
    std::map<std::string, std::vector<std::string>> out;
    if (!r.is_object() || !r["changes"].is_array()) {
      ADD_FAILURE() << "no changes in " << r.dump();
      return out;
    }
    for (const auto& c : r["changes"]) {
      out[c.value("database", "?")].push_back(
          c.value("action", "?") + " " + c.value("kind", "?") + " " + c.value("identity", "?") +
          ": " + c.value("old_definition", "") + " -> " + c.value("new_definition", ""));
    }
    return out;
  }

  // Fails for each case with changes left in `r` (a diff's --json).
  void expect_no_changes(const std::vector<std::string>& cases, const nlohmann::json& r,
                         const std::string& what) {
    auto left = by_database(r);
    for (const auto& c : cases) {
      auto it = left.find(c);
      if (it == left.end()) continue;
      ADD_FAILURE() << c << ": " << what << ":\n  " << testing::PrintToString(it->second);
    }
    for (const auto& [db, changes] : left) {
      if (std::find(cases.begin(), cases.end(), db) == cases.end())
        ADD_FAILURE() << "database " << db << " (no case's): " << what << ": "
                      << testing::PrintToString(changes);
    }
  }

  // The database each statement of a --sql script runs in, from its
  // \connect lines: for messages naming the case of a failing line.
  static std::string database_at_line(const std::string& script, size_t line_number) {
    std::istringstream in(script);
    std::string line, db = "?";
    for (size_t n = 1; std::getline(in, line) && n <= line_number; ++n) {
      if (line.rfind("\\connect ", 0) == 0) db = line.substr(9);
    }
    return db;
  }

  // The objects a diff's --json changes, by database.
  static std::map<std::string, std::set<std::string>> identities(const nlohmann::json& r) {
    std::map<std::string, std::set<std::string>> out;
    if (!r.is_object() || !r["changes"].is_array()) {
      ADD_FAILURE() << "no changes in " << r.dump();
      return out;
    }
    for (const auto& c : r["changes"]) {
      out[c.value("database", "?")].insert(c.value("kind", "?") + " " + c.value("identity", "?"));
    }
    return out;
  }

  // Fails for each change in `r` (a diff's --json) of an object that
  // `allowed` does not change in its database, neither itself nor what it
  // is part of (a table created or dropped lists its constraints as changes
  // of their own on one side only).
  void expect_only(const std::vector<std::string>& cases, const nlohmann::json& r,
                   const std::map<std::string, std::set<std::string>>& allowed,
                   const std::string& what) {
    auto left = identities(r);
    for (const auto& c : cases) {
      std::set<std::string> changed;
      auto it = allowed.find(c);
      if (it != allowed.end()) {
        for (const auto& object : it->second) changed.insert(object.substr(object.find(' ') + 1));
      }
      for (const auto& object : left[c]) {
        std::string identity = object.substr(object.find(' ') + 1);
        bool covered = false;
        for (size_t dot = identity.size(); !covered && dot != npos;
             dot = dot == 0 ? npos : identity.rfind('.', dot - 1)) {
          covered = changed.count(identity.substr(0, dot)) != 0;
        }
        if (!covered) ADD_FAILURE() << c << ": " << what << ": " << object;
      }
    }
  }

  // The cases of part `part` (of kParts) through diff --sql and merge.
  void every_case(size_t part);

  CliResult merge(const std::string& branch) {
    return velo().run_json({"branch", "merge", branch, "--allow-hazards"});
  }
};

// Every case, in kParts parts (one test each): a merge applies its
// databases in one transaction each, all open together, so a part must
// stay well below the server's max_connections (100).
constexpr size_t kParts = 4;

void CliMergeCorpusTest::every_case(size_t part) {
  const std::vector<std::string> all = corpus_cases("before.sql");
  ASSERT_FALSE(all.empty()) << "no corpus at " << corpus_dir();
  const std::vector<std::string> cases(all.begin() + all.size() * part / kParts,
                                       all.begin() + all.size() * (part + 1) / kParts);
  if (cases.empty()) GTEST_SKIP() << "no case of part " << part + 1 << " selected";
  if (part > 0 && !long_run() && std::getenv("VELO_MERGE_CORPUS_CASES") == nullptr) {
    GTEST_SKIP() << "part " << part + 1 << " runs under scripts/test --long; CI runs part 1, "
                 << "and diff_corpus_test runs every case on the engine";
  }
  create_project("corpus");
  ASSERT_NO_FATAL_FAILURE(load_befores(cases));
  // Without WAL archives: nothing here goes back in time, and the
  // corpus' databases would make their archives large.
  ok({"branch", "create", "corpus/ours", "--no-archive"});
  ok({"branch", "create", "corpus/fresh", "--no-archive"});
  for (const auto& c : cases)
    ASSERT_NO_FATAL_FAILURE(run_script("corpus/ours", c, "migration.sql"));

  // Every case's migration is a change the diff sees.
  CliResult script = ok({"branch", "diff", "corpus/ours", "--sql"});
  for (const auto& c : cases) {
    EXPECT_NE(script.out.find("\\connect " + c + "\n"), npos) << c << ": no statements in\n"
                                                              << script.out;
  }

  // (a) The script, run by psql on a fresh copy of the starting point,
  // gives it ours' schema.
  const std::string file = pool().dir() + "/corpus.sql";
  ASSERT_TRUE(write_file_atomic(file, script.out, 0644).ok());
  auto applied = run_client("corpus/fresh", "psql",
                            {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-f", file});
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  if (applied->exit_code != 0) {
    // "psql:FILE:LINE: ERROR: ...": the line's \connect names the case.
    size_t at = applied->err.find(file + ":");
    size_t line =
        at == npos ? 0 : std::strtoul(applied->err.c_str() + at + file.size() + 1, nullptr, 10);
    ADD_FAILURE() << "psql stopped in database " << database_at_line(script.out, line) << ": "
                  << applied->err;
  }
  expect_no_changes(cases, ok_json({"branch", "diff", "corpus/ours", "--against", "corpus/fresh"}),
                    "after the --sql script, the copy still differs from ours");

  // (b) The merge gives main ours' schema.
  CliResult merged = merge("corpus/ours");
  ASSERT_EQ(merged.exit_code, 0) << merged.describe();
  nlohmann::json result = merged.json();
  std::map<std::string, std::vector<std::string>> merged_changes = by_database(result);
  for (const auto& c : cases) EXPECT_EQ(merged_changes.count(c), 1u) << c << ": nothing merged";
  expect_no_changes(cases, ok_json({"branch", "diff", "corpus/ours", "--against", "corpus/main"}),
                    "after the merge, main still differs from ours");
  nlohmann::json list = ok_json({"merge", "list"});
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["outcome"], "applied");
}

TEST_P(CliMergeCorpusTest, DiffSqlAndMergeCarryEveryCasePart1) { every_case(0); }
TEST_P(CliMergeCorpusTest, DiffSqlAndMergeCarryEveryCasePart2) { every_case(1); }
TEST_P(CliMergeCorpusTest, DiffSqlAndMergeCarryEveryCasePart3) { every_case(2); }
TEST_P(CliMergeCorpusTest, DiffSqlAndMergeCarryEveryCasePart4) { every_case(3); }

// Cases with theirs.sql: a second branch makes theirs.sql's changes and
// is merged into main first; ours then merges three ways into the main
// that moved. After both, what still tells ours from main is theirs' doing
// alone, and the other way round.
TEST_P(CliMergeCorpusTest, TheirsCasesMergeThreeWaysIntoAMovedTarget) {
  const std::vector<std::string> cases = corpus_cases("theirs.sql");
  if (cases.empty()) GTEST_SKIP() << "no case with theirs.sql selected";
  create_project("corpus");
  ASSERT_NO_FATAL_FAILURE(load_befores(cases));
  ok({"branch", "create", "corpus/ours", "--no-archive"});
  ok({"branch", "create", "corpus/theirs", "--no-archive"});
  for (const auto& c : cases) {
    ASSERT_NO_FATAL_FAILURE(run_script("corpus/ours", c, "migration.sql"));
    ASSERT_NO_FATAL_FAILURE(run_script("corpus/theirs", c, "theirs.sql"));
  }
  const auto ours = identities(ok_json({"branch", "diff", "corpus/ours"}));
  const auto theirs = identities(ok_json({"branch", "diff", "corpus/theirs"}));

  CliResult first = merge("corpus/theirs");
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  CliResult second = merge("corpus/ours");
  ASSERT_EQ(second.exit_code, 0) << second.describe();
  auto merged = by_database(second.json());
  for (const auto& c : cases) EXPECT_EQ(merged.count(c), 1u) << c << ": nothing merged";
  // Nothing of ours is missing from main now.
  CliResult again = merge("corpus/ours");
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_EQ(again.json()["plan"], nlohmann::json::array()) << again.out;

  expect_only(cases, ok_json({"branch", "diff", "corpus/ours", "--against", "corpus/main"}), theirs,
              "main differs from ours in what theirs did not change");
  expect_only(cases, ok_json({"branch", "diff", "corpus/theirs", "--against", "corpus/main"}), ours,
              "main differs from theirs in what ours did not change");
  nlohmann::json list = ok_json({"merge", "list"});
  ASSERT_EQ(list.size(), 2u) << list.dump();
  for (const auto& m : list) EXPECT_EQ(m["outcome"], "applied") << m.dump();
}

// Cases with conflict.sql: main makes a change that contradicts ours', and
// the merge is refused naming every case, with main left as it was.
TEST_P(CliMergeCorpusTest, ConflictCasesAreRefusedAndChangeNothing) {
  const std::vector<std::string> cases = corpus_cases("conflict.sql");
  if (cases.empty()) GTEST_SKIP() << "no case with conflict.sql selected";
  create_project("corpus");
  ASSERT_NO_FATAL_FAILURE(load_befores(cases));
  ok({"branch", "create", "corpus/ours", "--no-archive"});
  for (const auto& c : cases) {
    ASSERT_NO_FATAL_FAILURE(run_script("corpus/ours", c, "migration.sql"));
    ASSERT_NO_FATAL_FAILURE(run_script("corpus/main", c, "conflict.sql"));
  }
  const nlohmann::json before =
      ok_json({"branch", "diff", "corpus/ours", "--against", "corpus/main"});
  const nlohmann::json snapshots = ok_json({"snapshot", "list"});
  const nlohmann::json observed = observable();

  CliResult refused = merge("corpus/ours");
  EXPECT_EQ(check_usage_error(refused), "");
  EXPECT_NE(refused.err.find(" conflict"), npos) << refused.err;
  for (const auto& c : cases) {
    EXPECT_NE(refused.err.find(" in " + c + " ("), npos)
        << c << ": no conflict named in " << refused.err;
  }
  EXPECT_EQ(ok_json({"branch", "diff", "corpus/ours", "--against", "corpus/main"}), before);
  EXPECT_EQ(ok_json({"merge", "list"}), nlohmann::json::array());
  EXPECT_EQ(ok_json({"snapshot", "list"}), snapshots);
  EXPECT_EQ(observable(), observed);
  EXPECT_EQ(orphans(), std::vector<std::string>{});
}

VELO_CLI_INSTANTIATE_ON(CliMergeCorpusTest, std::string("btrfs"));

}  // namespace
}  // namespace velo::e2e
