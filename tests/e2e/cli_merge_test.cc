// The built velo binary's schema diff and merge against real servers:
// `velo branch diff` (since the branch started, --against another branch,
// --database, --sql, --json), `velo branch merge` (applied, recorded in
// `velo merge list|show`, a pre-merge snapshot; three-way against a target
// that changed meanwhile; conflicts, data-loss hazards and a rehearsal that
// fails on the target's data refused with the target unchanged and nothing
// left behind; --dry-run; --into an ancestor only, never a stopped target).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/project/init.h"
#include "support/footprint.h"
#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

constexpr auto npos = std::string::npos;

class CliMergeTest : public CliTest {
 protected:
  void exec(const std::string& branch, const std::string& statement,
            const std::string& db = "postgres") {
    auto conn = connect(branch, db);
    ASSERT_TRUE(conn.has_value()) << branch << "/" << db;
    Status ran = conn->exec(statement);
    ASSERT_TRUE(ran.ok()) << branch << "/" << db << ": " << statement << ": "
                          << ran.error().message;
  }

  // The database's schema as pg_dump --schema-only prints it, without
  // comments, blank lines, session settings and the per-run \restrict key:
  // what two databases with the same schema print alike. Also without the
  // pg_attver column option that newer 15.x servers (the docker test
  // image's) stamp on each column as it is made: it tells when, not what.
  std::string schema(const std::string& branch, const std::string& db = "postgres") {
    auto dumped = run_client(branch, "pg_dump", {"--schema-only", "--no-sync", "-d", db});
    EXPECT_TRUE(dumped.ok() && dumped->exit_code == 0)
        << branch << ": pg_dump: " << (dumped.ok() ? dumped->err : dumped.error().message);
    if (!dumped.ok()) return "<pg_dump failed>";
    std::istringstream in(dumped->out);
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.empty() || line.rfind("--", 0) == 0 || line.rfind("SET ", 0) == 0 ||
          line.rfind("SELECT pg_catalog.set_config", 0) == 0 || line.rfind("\\restrict", 0) == 0 ||
          line.rfind("\\unrestrict", 0) == 0 || line.find(" SET (pg_attver=") != npos) {
        continue;
      }
      out += line + "\n";
    }
    return out;
  }

  // The changes of a diff's or merge's --json, as "create column
  // public.t.w (postgres)".
  static std::set<std::string> keys(const nlohmann::json& result) {
    std::set<std::string> out;
    if (!result.is_object() || !result["changes"].is_array()) {
      ADD_FAILURE() << "no changes in " << result.dump();
      return out;
    }
    for (const auto& c : result["changes"]) {
      out.insert(c.value("action", "?") + " " + c.value("kind", "?") + " " +
                 c.value("identity", "?") + " (" + c.value("database", "?") + ")");
    }
    return out;
  }

  // The same changes seen from the other side: created <-> dropped. The
  // parts of a created table (its constraints) are listed as changes of
  // their own, those of a dropped one go with it: both are left out.
  static std::set<std::string> mirrored(const std::set<std::string>& changes) {
    return swapped(without_parts_of_tables(changes));
  }
  static std::set<std::string> without_parts_of_tables(const std::set<std::string>& changes) {
    std::vector<std::string> tables;
    for (const auto& c : changes) {
      for (const char* prefix : {"create table ", "drop table "}) {
        const std::string p = prefix;
        if (c.rfind(p, 0) == 0)
          tables.push_back(c.substr(p.size(), c.find(' ', p.size()) - p.size()));
      }
    }
    std::set<std::string> out;
    for (const auto& c : changes) {
      bool part = false;
      for (const auto& t : tables) part = part || c.find(" " + t + ".") != npos;
      if (!part) out.insert(c);
    }
    return out;
  }
  static std::set<std::string> swapped(const std::set<std::string>& changes) {
    std::set<std::string> out;
    for (const auto& c : changes) {
      if (c.rfind("create ", 0) == 0) {
        out.insert("drop " + c.substr(7));
      } else if (c.rfind("drop ", 0) == 0) {
        out.insert("create " + c.substr(5));
      } else {
        out.insert(c);
      }
    }
    return out;
  }

  nlohmann::json diff(const std::vector<std::string>& args) {
    std::vector<std::string> all{"branch", "diff"};
    all.insert(all.end(), args.begin(), args.end());
    return ok_json(all);
  }

  nlohmann::json merges() { return ok_json({"merge", "list"}); }
  nlohmann::json snapshots() { return ok_json({"snapshot", "list"}); }

  // What velo keeps on disk, down to the depth it lays out itself; not
  // its cache of snapshots' schemas, which any read may fill.
  std::vector<std::string> files() {
    std::vector<std::string> out = footprint({{velo().home(), 3},
                                              {pool().config().path, 2},
                                              // Not the WAL archives' files: servers add to them
                                              // as they run.
                                              {core::default_data_root(velo().home(), true), 2}});
    const std::string cache = velo().home() + "/cache";
    std::erase_if(out, [&](const std::string& path) { return path.rfind(cache, 0) == 0; });
    return out;
  }

  // Everything a refused merge must leave as it was.
  struct Unchanged {
    nlohmann::json observable, merges, snapshots;
    std::vector<std::string> files;
    std::string schema;
  };
  Unchanged capture(const std::string& target) {
    return {observable(), merges(), snapshots(), files(), schema(target)};
  }
  void expect_unchanged(const Unchanged& before, const std::string& target) {
    EXPECT_EQ(schema(target), before.schema) << target << "'s schema changed";
    EXPECT_EQ(merges(), before.merges) << "a merge was recorded";
    EXPECT_EQ(snapshots(), before.snapshots) << "a snapshot was made or removed";
    EXPECT_EQ(observable(), before.observable);
    EXPECT_EQ(files(), before.files);
    EXPECT_EQ(orphans(), std::vector<std::string>{});
    CliResult gc = ok({"gc"});
    EXPECT_EQ(gc.out, "nothing to remove\n") << gc.describe();
  }

  // The id in "... as merge N in ..." of a merge's output.
  static int64_t merge_id(const CliResult& r) {
    auto at = r.out.find(" as merge ");
    if (at == npos) return 0;
    return std::atoll(r.out.c_str() + at + 10);
  }
};

TEST_P(CliMergeTest, DiffListsChangesSinceTheStartOrAgainstAnotherBranch) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY, v text)");
  exec("demo/main", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  exec("demo/main", "CREATE DATABASE other");
  exec("demo/main", "CREATE TABLE o (id int)", "other");
  create_branch("demo/dev");
  create_branch("demo/fresh");

  // A new branch has no changes, in any form.
  CliResult none = ok({"branch", "diff", "demo/dev"});
  EXPECT_EQ(none.out, "demo/dev since demo/dev's starting point:\nno schema changes\n");
  nlohmann::json none_json = diff({"demo/dev"});
  EXPECT_EQ(none_json["name"], "demo/dev");
  EXPECT_EQ(none_json["from"], "demo/dev's starting point");
  EXPECT_EQ(none_json["summary"], "");
  EXPECT_EQ(none_json["changes"], nlohmann::json::array());
  EXPECT_EQ(ok({"branch", "diff", "demo/dev", "--sql"}).out, "");
  // Rows are not schema.
  exec("demo/dev", "INSERT INTO t VALUES (3, 'c')");
  EXPECT_EQ(diff({"demo/dev"})["changes"], nlohmann::json::array());

  // DDL on the branch, in two databases.
  exec("demo/dev", "ALTER TABLE t ADD COLUMN w integer");
  exec("demo/dev", "CREATE TABLE u (id bigint PRIMARY KEY, note text NOT NULL)");
  exec("demo/dev", "CREATE INDEX o_id ON o (id)", "other");
  const std::set<std::string> expected{"create column public.t.w (postgres)",
                                       "create table public.u (postgres)",
                                       "create index public.o_id (other)"};

  CliResult text = ok({"branch", "diff", "demo/dev"});
  EXPECT_EQ(text.out.rfind("demo/dev since demo/dev's starting point:\n", 0), 0u) << text.out;
  for (const char* line :
       {"\nother: +1 index\n", "\n  + column public.t.w (postgres)\n",
        "\n  + table public.u (postgres)\n", "\n  + index public.o_id (other)"}) {
    EXPECT_NE(text.out.find(line), npos) << "no '" << line << "' in:\n" << text.out;
  }
  EXPECT_NE(text.out.find("\npostgres: "), npos) << text.out;

  nlohmann::json json = diff({"demo/dev"});
  std::set<std::string> changes = keys(json);
  for (const auto& change : expected) {
    EXPECT_EQ(changes.count(change), 1u) << change << " not in " << json.dump(2);
  }
  // Nothing else but what the new table brings along (its key).
  for (const auto& change : changes) {
    EXPECT_TRUE(expected.count(change) != 0 || change.find("public.u") != npos)
        << "unexpected change " << change;
  }
  EXPECT_EQ(json["name"], "demo/dev");
  EXPECT_EQ(json["from"], "demo/dev's starting point");
  EXPECT_NE(json["summary"].get<std::string>().find("other: +1 index"), npos) << json.dump(2);
  for (const auto& c : json["changes"]) {
    for (const char* field :
         {"database", "kind", "identity", "action", "old_definition", "new_definition"}) {
      EXPECT_TRUE(c[field].is_string()) << field << " in " << c.dump();
    }
    EXPECT_TRUE(c["hazards"].is_array()) << c.dump();
    if (c["identity"] == "public.t.w") {
      EXPECT_EQ(c["old_definition"], "");
      EXPECT_NE(c["new_definition"].get<std::string>().find("integer"), npos) << c.dump();
    }
    if (c["identity"] == "public.o_id") {
      ASSERT_FALSE(c["hazards"].empty()) << "an index build blocks writes: " << c.dump();
      EXPECT_EQ(c["hazards"][0]["kind"], "index-build") << c.dump();
    }
  }

  // --sql: a psql script, each database's statements after a \connect,
  // that turns a copy of the starting point into the branch.
  std::string script = ok({"branch", "diff", "demo/dev", "--sql"}).out;
  EXPECT_NE(script.find("\\connect other\n"), npos) << script;
  EXPECT_NE(script.find("\\connect postgres\n"), npos) << script;
  EXPECT_NE(script.find("ALTER TABLE public.t ADD COLUMN"), npos) << script;
  EXPECT_NE(script.find("-- hazard index-build: "), npos) << script;
  const std::string script_file = pool().dir() + "/diff.sql";
  ASSERT_TRUE(write_file_atomic(script_file, script, 0644).ok());
  auto applied =
      run_client("demo/fresh", "psql",
                 {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-f", script_file});
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->exit_code, 0) << applied->err << "\nscript:\n" << script;
  EXPECT_EQ(diff({"demo/dev", "--against", "demo/fresh"})["changes"], nlohmann::json::array());
  EXPECT_EQ(schema("demo/fresh"), schema("demo/dev"));
  EXPECT_EQ(schema("demo/fresh", "other"), schema("demo/dev", "other"));

  // --against: the other branch as it is now, in both directions.
  nlohmann::json against = diff({"demo/dev", "--against", "demo/main"});
  EXPECT_EQ(against["from"], "demo/main");
  EXPECT_EQ(keys(against), changes) << "main is still where dev started";
  exec("demo/main", "CREATE TABLE m_only (x int)");
  std::set<std::string> dev_vs_main = keys(diff({"demo/dev", "--against", "demo/main"}));
  std::set<std::string> main_vs_dev = keys(diff({"demo/main", "--against", "demo/dev"}));
  EXPECT_EQ(dev_vs_main.count("drop table public.m_only (postgres)"), 1u)
      << testing::PrintToString(dev_vs_main);
  EXPECT_EQ(main_vs_dev.count("create table public.m_only (postgres)"), 1u);
  EXPECT_EQ(main_vs_dev.count("drop column public.t.w (postgres)"), 1u);
  EXPECT_EQ(mirrored(dev_vs_main), without_parts_of_tables(main_vs_dev));
  // The branch's own starting point has not moved.
  EXPECT_EQ(keys(diff({"demo/dev"})), changes);

  // --database: that database's changes only.
  EXPECT_EQ(keys(diff({"demo/dev", "--database", "other"})),
            (std::set<std::string>{"create index public.o_id (other)"}));
  std::set<std::string> only_postgres = keys(diff({"demo/dev", "--database", "postgres"}));
  EXPECT_EQ(only_postgres.count("create column public.t.w (postgres)"), 1u);
  for (const auto& change : only_postgres) EXPECT_EQ(change.find("(other)"), npos) << change;
  CliResult only_other = ok({"branch", "diff", "demo/dev", "--database", "other", "--sql"});
  EXPECT_EQ(only_other.out.find("\\connect postgres"), npos) << only_other.out;
  EXPECT_EQ(keys(diff({"demo/dev", "--against", "demo/main", "--database", "other"})),
            (std::set<std::string>{"create index public.o_id (other)"}));

  // Refused, in one line: an unknown database, a branch with no starting
  // point, unknown branches, another project.
  CliResult unknown_db = velo().run({"branch", "diff", "demo/dev", "--database", "nope"});
  EXPECT_EQ(check_usage_error(unknown_db), "");
  EXPECT_NE(unknown_db.err.find("nope"), npos) << unknown_db.err;
  EXPECT_EQ(check_usage_error(velo().run({"branch", "diff", "demo/main"})), "");
  EXPECT_EQ(check_usage_error(velo().run({"branch", "diff", "demo/nope"})), "");
  EXPECT_EQ(check_usage_error(velo().run({"branch", "diff", "demo/dev", "--against", "demo/nope"})),
            "");
  EXPECT_EQ(check_usage_error(velo().run({"branch", "diff", "demo/dev", "--against", "x/main"})),
            "");
  // A diff reads its starting point from a scratch server, and leaves none.
  EXPECT_EQ(orphans(), std::vector<std::string>{});

  // The starting point's schema is kept (a snapshot never changes): one
  // private file per snapshot read, and what later diffs read: an entry
  // whose database "other" lost its objects makes table o look new.
  const std::string cache = velo().home() + "/cache/schemas";
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(cache)) {
    entries.push_back(entry.path().string());
  }
  ASSERT_EQ(entries.size(), 1u) << "the starting point of demo/dev only";
  struct stat info {};
  ASSERT_EQ(::stat(entries[0].c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto kept = read_file(entries[0]);
  ASSERT_TRUE(kept.ok());
  nlohmann::json planted = nlohmann::json::parse(*kept);
  planted["schema"]["databases"]["other"]["objects"] = nlohmann::json::array();
  ASSERT_TRUE(write_file_atomic(entries[0], planted.dump(), 0600).ok());
  EXPECT_EQ(keys(diff({"demo/dev", "--database", "other"})).count("create table public.o (other)"),
            1u);
  // A damaged one is read again from the snapshot, and written anew.
  ASSERT_TRUE(write_file_atomic(entries[0], "{\"reader\": 1", 0600).ok());
  EXPECT_EQ(keys(diff({"demo/dev"})), changes);
  auto rewritten = read_file(entries[0]);
  ASSERT_TRUE(rewritten.ok());
  EXPECT_FALSE(nlohmann::json::parse(*rewritten, nullptr, false).is_discarded());
  // Its snapshot gone (with the project: the retention window keeps it
  // otherwise), velo gc drops it.
  ok({"project", "delete", "demo", "--force"});
  ok({"gc"});
  EXPECT_FALSE(std::filesystem::exists(entries[0])) << entries[0];
}

TEST_P(CliMergeTest, MergeAppliesTheSchemaRecordsItAndSnapshotsTheTarget) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY, v text)");
  exec("demo/main", "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  exec("demo/main", "CREATE INDEX t_old ON t (v, id)");
  create_branch("demo/dev");
  exec("demo/dev", "ALTER TABLE t ADD COLUMN w integer NOT NULL DEFAULT 0");
  // A dropped relation (the rehearsal looks at the locks of each statement).
  exec("demo/dev", "DROP INDEX t_old");
  exec("demo/dev", "CREATE INDEX t_v ON t (v)");
  exec("demo/dev",
       "CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
       "t_id int NOT NULL REFERENCES t (id), note text)");
  exec("demo/dev", "CREATE VIEW t_named AS SELECT id, v FROM t WHERE v IS NOT NULL");
  exec("demo/dev",
       "CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql IMMUTABLE AS "
       "'SELECT i + 1'");
  // Rows the branch changed: not merged, but named.
  exec("demo/dev", "INSERT INTO t VALUES (10, 'dev')");
  exec("demo/dev", "UPDATE t SET v = 'changed on dev' WHERE id = 1");
  const std::string dev_schema = schema("demo/dev");
  ASSERT_NE(schema("demo/main"), dev_schema);

  // A dry run first: the plan and its rehearsal, and nothing changes.
  const Unchanged before = capture("demo/main");
  CliResult dry = ok({"branch", "merge", "demo/dev", "--dry-run"});
  EXPECT_NE(dry.out.find("demo/dev into demo/main:\n"), npos) << dry.out;
  EXPECT_NE(dry.out.find("rehearsal on a copy of the target's data"), npos) << dry.out;
  EXPECT_NE(dry.out.find("dry run: demo/main is unchanged\n"), npos) << dry.out;
  EXPECT_EQ(dry.out.find("merged "), npos) << dry.out;
  nlohmann::json dry_json = ok_json({"branch", "merge", "demo/dev", "--dry-run"});
  EXPECT_EQ(dry_json["dry_run"], true);
  EXPECT_EQ(dry_json["id"], 0);
  EXPECT_EQ(dry_json["pre_merge_snapshot"], 0);
  ASSERT_TRUE(dry_json["plan"].is_array());
  EXPECT_FALSE(dry_json["plan"].empty());
  EXPECT_EQ(dry_json["rehearsal"]["statements"].size(), dry_json["plan"].size());
  EXPECT_EQ(merges(), nlohmann::json::array());
  expect_unchanged(before, "demo/main");
  const size_t plan_size = dry_json["plan"].size();

  // The merge.
  const std::vector<std::string> storage_before = storage_names();
  CliResult merged = ok({"branch", "merge", "demo/dev"});
  EXPECT_NE(merged.out.find("demo/dev into demo/main:\n"), npos) << merged.out;
  EXPECT_NE(merged.out.find("plan (" + std::to_string(plan_size) + " statements):\n"), npos)
      << merged.out;
  EXPECT_NE(merged.out.find("\nmerged demo/dev into demo/main as merge "), npos) << merged.out;
  // A merge carries schema, not rows, and says so.
  EXPECT_NE(merged.out.find("\nnote: demo/dev changed "), npos) << merged.out;
  EXPECT_NE(merged.out.find(" rows of public.t in postgres; a merge carries schema, not rows\n"),
            npos)
      << merged.out;
  const int64_t id = merge_id(merged);
  ASSERT_GT(id, 0) << merged.out;

  // The target's schema is the branch's; its rows are its own.
  EXPECT_EQ(schema("demo/main"), dev_schema);
  EXPECT_EQ(diff({"demo/dev", "--against", "demo/main"})["changes"], nlohmann::json::array());
  EXPECT_EQ(sql_value("demo/main",
                      "SELECT string_agg(id || ':' || v || ':' || w, ',' ORDER BY id) "
                      "FROM t"),
            "1:a:0,2:b:0,3:c:0");
  EXPECT_EQ(sql_value("demo/main", "SELECT add_one(41)"), "42");
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM t_named"), "3");
  exec("demo/main", "INSERT INTO audit (t_id, note) VALUES (2, 'works')");

  // Recorded: merge list (all, and per project) and show.
  nlohmann::json list = merges();
  ASSERT_EQ(list.size(), 1u) << list.dump(2);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["project"], "demo");
  EXPECT_EQ(list[0]["source"], "demo/dev");
  EXPECT_EQ(list[0]["target"], "demo/main");
  EXPECT_EQ(list[0]["kind"], "merge");
  EXPECT_EQ(list[0]["outcome"], "applied");
  EXPECT_EQ(ok_json({"merge", "list", "demo"}), list);
  const int64_t snapshot_id = list[0]["pre_merge_snapshot"];
  CliResult table = ok({"merge", "list"});
  EXPECT_NE(table.out.find("OUTCOME"), npos) << table.out;
  EXPECT_NE(table.out.find("applied"), npos) << table.out;
  nlohmann::json shown = ok_json({"merge", "show", std::to_string(id)});
  EXPECT_EQ(shown["outcome"], "applied");
  EXPECT_EQ(shown["source"], "demo/dev");
  EXPECT_EQ(shown["pre_merge_snapshot"], snapshot_id);
  EXPECT_EQ(shown["plan"].size(), plan_size) << shown.dump(2);
  EXPECT_EQ(shown["rehearsal"]["statements"].size(), plan_size) << shown.dump(2);
  CliResult shown_text = ok({"merge", "show", std::to_string(id)});
  EXPECT_NE(shown_text.out.find("merge " + std::to_string(id) + ": demo/dev into demo/main"), npos)
      << shown_text.out;
  EXPECT_NE(shown_text.out.find("\noutcome: applied\n"), npos) << shown_text.out;
  EXPECT_NE(shown_text.out.find("\npre-merge snapshot: " + std::to_string(snapshot_id) + "\n"),
            npos)
      << shown_text.out;

  // The pre-merge snapshot: a user snapshot of the target, labelled.
  nlohmann::json snaps = snapshots();
  ASSERT_EQ(snaps.size(), before.snapshots.size() + 1) << snaps.dump(2);
  nlohmann::json pre;
  for (const auto& s : snaps) {
    if (s["id"] == snapshot_id) pre = s;
  }
  ASSERT_TRUE(pre.is_object()) << "no snapshot " << snapshot_id << " in " << snaps.dump(2);
  EXPECT_EQ(pre["name"], "demo/main");
  EXPECT_EQ(pre["kind"], "user");
  EXPECT_EQ(pre["label"], "before merging demo/dev");
  CliResult snap_table = ok({"snapshot", "list"});
  EXPECT_NE(snap_table.out.find("before merging demo/dev"), npos) << snap_table.out;
  // Storage holds that snapshot more, and no scratch server's clone.
  std::vector<std::string> storage_after = storage_names();
  EXPECT_EQ(storage_after.size(), storage_before.size() + 1)
      << "before: " << testing::PrintToString(storage_before)
      << "\nafter: " << testing::PrintToString(storage_after);
  EXPECT_EQ(orphans(), std::vector<std::string>{});

  // Again: nothing to merge, nothing recorded.
  CliResult again = ok({"branch", "merge", "demo/dev"});
  EXPECT_EQ(again.out, "nothing to merge: demo/dev has no schema changes that demo/main lacks\n");
  EXPECT_EQ(merges(), list);
  EXPECT_EQ(snapshots(), snaps);

  EXPECT_EQ(check_usage_error(velo().run({"merge", "show", "999"})), "");
  EXPECT_EQ(check_usage_error(velo().run({"merge", "list", "nope"})), "");
}

TEST_P(CliMergeTest, MergeIsThreeWayAndRefusesConflicts) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY, a int, note text)");
  exec("demo/main", "INSERT INTO t VALUES (1, 1, 'one')");
  create_branch("demo/dev");
  // Each side changes other objects.
  exec("demo/dev", "ALTER TABLE t ADD COLUMN from_dev int");
  exec("demo/dev", "CREATE TABLE dev_only (x int)");
  exec("demo/main", "ALTER TABLE t ADD COLUMN from_main text");
  exec("demo/main", "CREATE INDEX main_note ON t (note)");

  ok({"branch", "merge", "demo/dev"});
  EXPECT_EQ(sql_value("demo/main",
                      "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM "
                      "information_schema.columns WHERE table_name = 't'"),
            "a,from_dev,from_main,id,note");
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM pg_tables WHERE tablename = 'dev_only'"),
            "1");
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM pg_indexes WHERE indexname = 'main_note'"),
            "1");
  // What main has beyond dev: its own changes only.
  EXPECT_EQ(keys(diff({"demo/main", "--against", "demo/dev"})),
            (std::set<std::string>{"create column public.t.from_main (postgres)",
                                   "create index public.main_note (postgres)"}));

  // The same column altered differently on both sides: a conflict.
  create_branch("demo/retype");
  exec("demo/retype", "ALTER TABLE t ALTER COLUMN a TYPE bigint");
  exec("demo/main", "ALTER TABLE t ALTER COLUMN a TYPE numeric");
  const Unchanged before = capture("demo/main");
  CliResult refused = velo().run({"branch", "merge", "demo/retype", "--allow-hazards"});
  EXPECT_EQ(check_usage_error(refused), "");
  EXPECT_NE(refused.err.find("1 conflict with demo/main"), npos) << refused.err;
  EXPECT_NE(refused.err.find("column public.t.a in postgres"), npos) << refused.err;
  EXPECT_NE(refused.err.find("nothing changed"), npos) << refused.err;
  EXPECT_EQ(sql_value("demo/main",
                      "SELECT data_type FROM information_schema.columns WHERE "
                      "table_name = 't' AND column_name = 'a'"),
            "numeric");
  expect_unchanged(before, "demo/main");
}

TEST_P(CliMergeTest, DataLossNeedsAllowHazards) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY, keep text, gone text)");
  exec("demo/main", "INSERT INTO t VALUES (1, 'kept', 'lost')");
  exec("demo/main", "CREATE TABLE old_log (line text)");
  exec("demo/main", "INSERT INTO old_log VALUES ('lost too')");
  create_branch("demo/dev");
  exec("demo/dev", "ALTER TABLE t DROP COLUMN gone");
  exec("demo/dev", "DROP TABLE old_log");

  const Unchanged before = capture("demo/main");
  CliResult refused = velo().run({"branch", "merge", "demo/dev"});
  EXPECT_EQ(check_usage_error(refused), "");
  EXPECT_NE(refused.err.find("would lose data"), npos) << refused.err;
  EXPECT_NE(refused.err.find("gone"), npos) << "names the column: " << refused.err;
  EXPECT_NE(refused.err.find("old_log"), npos) << "names the table: " << refused.err;
  EXPECT_NE(refused.err.find("--allow-hazards"), npos) << refused.err;
  EXPECT_EQ(sql_value("demo/main", "SELECT gone FROM t WHERE id = 1"), "lost");
  expect_unchanged(before, "demo/main");

  // A dry run shows the hazard (and changes nothing).
  CliResult dry = ok({"branch", "merge", "demo/dev", "--dry-run"});
  EXPECT_NE(dry.out.find("-- hazard data-loss: "), npos) << dry.out;
  expect_unchanged(before, "demo/main");

  CliResult merged = ok({"branch", "merge", "demo/dev", "--allow-hazards"});
  EXPECT_GT(merge_id(merged), 0) << merged.out;
  EXPECT_EQ(sql_value("demo/main",
                      "SELECT count(*) FROM information_schema.columns WHERE "
                      "table_name = 't' AND column_name = 'gone'"),
            "0");
  EXPECT_EQ(sql_value("demo/main", "SELECT keep FROM t WHERE id = 1"), "kept");
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM pg_tables WHERE tablename = 'old_log'"),
            "0");
  EXPECT_EQ(schema("demo/main"), schema("demo/dev"));
  nlohmann::json list = merges();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["outcome"], "applied");
}

TEST_P(CliMergeTest, RehearsalFailingOnTheTargetsDataChangesNothing) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE users (id int PRIMARY KEY, email text, nick text)");
  exec("demo/main",
       "INSERT INTO users VALUES (1, 'a@example.com', 'a'), (2, 'b@example.com', 'b')");
  create_branch("demo/unique");
  create_branch("demo/not-null");
  // Fine on the branches' rows...
  exec("demo/unique", "CREATE UNIQUE INDEX users_email ON users (email)");
  exec("demo/not-null", "ALTER TABLE users ALTER COLUMN nick SET NOT NULL");
  // ...but not on the rows the parent got since.
  exec("demo/main", "INSERT INTO users VALUES (3, 'a@example.com', NULL)");

  const Unchanged before = capture("demo/main");
  struct Case {
    std::vector<std::string> args;
    std::string statement, reason;
  };
  for (const Case& c : {Case{{"demo/unique"}, "CREATE UNIQUE INDEX users_email", "unique"},
                        Case{{"demo/not-null", "--dry-run"}, "SET NOT NULL", "null values"}}) {
    {
      std::vector<std::string> args{"branch", "merge"};
      args.insert(args.end(), c.args.begin(), c.args.end());
      CliResult failed = velo().run(args);
      EXPECT_EQ(check_usage_error(failed), "");
      EXPECT_NE(failed.err.find("the rehearsal on a copy of demo/main's data failed at statement"),
                npos)
          << failed.err;
      EXPECT_NE(failed.err.find(c.statement), npos) << failed.err;
      EXPECT_NE(failed.err.find(c.reason), npos) << failed.err;
      EXPECT_NE(failed.err.find("demo/main is unchanged"), npos) << failed.err;
    }
  }
  EXPECT_EQ(sql_value("demo/main", "SELECT count(*) FROM users"), "3");
  expect_unchanged(before, "demo/main");
}

TEST_P(CliMergeTest, MergesIntoAnAncestorOnlyAndNeverAStoppedOne) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY)");
  create_branch("demo/a");
  create_branch("demo/b", "demo/a");
  create_branch("demo/sibling");
  exec("demo/b", "ALTER TABLE t ADD COLUMN from_b int");

  const Unchanged before = capture("demo/main");
  const std::string a_schema = schema("demo/a");
  struct Refusal {
    std::vector<std::string> args;
    std::string says;
  };
  for (const Refusal& r : {
           Refusal{{"--into", "demo/sibling"}, "demo/sibling is not an ancestor of demo/b"},
           Refusal{{"--into", "demo/b"}, "cannot merge demo/b into itself"},
           Refusal{{"--into", "demo/nope"}, "demo/nope"},
           Refusal{{"--into", "other/main"}, "another project"},
           Refusal{{"--lock-timeout", "0"}, "lock-timeout"},
       }) {
    std::vector<std::string> args{"branch", "merge", "demo/b"};
    args.insert(args.end(), r.args.begin(), r.args.end());
    CliResult refused = velo().run(args);
    EXPECT_EQ(check_usage_error(refused), "");
    EXPECT_NE(refused.err.find(r.says), npos) << refused.describe();
  }
  CliResult root = velo().run({"branch", "merge", "demo/main"});
  EXPECT_EQ(check_usage_error(root), "");
  EXPECT_NE(root.err.find("no parent"), npos) << root.err;
  // Into a sibling the other way round, too.
  EXPECT_EQ(check_usage_error(velo().run({"branch", "merge", "demo/sibling", "--into", "demo/a"})),
            "");
  expect_unchanged(before, "demo/main");
  EXPECT_EQ(schema("demo/a"), a_schema);

  // A stopped target: refused, and it stays stopped.
  ok({"branch", "stop", "demo/a"});
  CliResult stopped = velo().run({"branch", "merge", "demo/b"});
  EXPECT_EQ(check_usage_error(stopped), "");
  EXPECT_NE(stopped.err.find("demo/a is stopped"), npos) << stopped.err;
  EXPECT_EQ(show("demo/a")["status"], "stopped");
  EXPECT_EQ(merges(), nlohmann::json::array());

  // Into the grandparent, past the stopped parent.
  CliResult merged = ok({"branch", "merge", "demo/b", "--into", "demo/main"});
  EXPECT_NE(merged.out.find("merged demo/b into demo/main as merge "), npos) << merged.out;
  EXPECT_EQ(schema("demo/main"), schema("demo/b"));
  ok({"branch", "start", "demo/a"});
  EXPECT_EQ(schema("demo/a"), a_schema) << "the parent in between is left alone";
  nlohmann::json list = merges();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["target"], "demo/main");

  // And into the parent, now running.
  ok({"branch", "merge", "demo/b"});
  EXPECT_EQ(schema("demo/a"), schema("demo/b"));
  list = merges();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["target"], "demo/a");
  EXPECT_EQ(orphans(), std::vector<std::string>{});
}

// On the docker runtime the scratch servers of a diff and of a merge's
// rehearsal are containers: each goes with its command, also when the
// rehearsal fails.
class CliMergeDockerTest : public CliMergeTest {};

TEST_P(CliMergeDockerTest, ScratchServersComeAndGoWithTheirCommand) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE users (id int PRIMARY KEY, email text)");
  exec("demo/main", "INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b@example.com')");
  create_branch("demo/dev");
  exec("demo/dev", "ALTER TABLE users ADD COLUMN nick text");
  exec("demo/dev", "CREATE UNIQUE INDEX users_email ON users (email)");
  exec("demo/main", "INSERT INTO users VALUES (3, 'a@example.com')");
  const Unchanged before = capture("demo/main");

  EXPECT_EQ(keys(diff({"demo/dev"})),
            (std::set<std::string>{"create column public.users.nick (postgres)",
                                   "create index public.users_email (postgres)"}));
  CliResult failed = velo().run({"branch", "merge", "demo/dev"});
  EXPECT_EQ(check_usage_error(failed), "");
  EXPECT_NE(failed.err.find("the rehearsal on a copy of demo/main's data failed"), npos)
      << failed.err;
  expect_unchanged(before, "demo/main");

  exec("demo/main", "DELETE FROM users WHERE id = 3");
  ok({"branch", "merge", "demo/dev"});
  EXPECT_EQ(schema("demo/main"), schema("demo/dev"));
  EXPECT_EQ(merges().size(), 1u);
  EXPECT_EQ(nlohmann::json(live_servers()), before.observable["servers"]);
  EXPECT_EQ(orphans(), std::vector<std::string>{});
}

// On btrfs in CI (the copy driver copies the cluster per scratch server:
// 5 minutes more); every kind under scripts/test --long.
VELO_CLI_INSTANTIATE_ON(CliMergeTest, std::string("btrfs"));
VELO_CLI_INSTANTIATE_ON_DOCKER(CliMergeDockerTest);

}  // namespace
}  // namespace velo::e2e
