// Issue 11's fault matrix: every named step of every operation, made to
// fail (VELO_FAULT=op:step:fail, so its undo runs) or to SIGKILL velo right
// there (kill: a crash or a power loss). After a failure, nothing changed;
// after a kill and `velo gc`, the home is consistent: no orphan on the pool
// or in the process table (doctor), every branch complete and answering,
// and the operation either fully done or not at all. Then the command
// succeeds when repeated.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

struct FaultCase {
  std::string label;      // what the case is, for messages and set-up
  std::string operation;  // as VELO_FAULT names it
  std::vector<std::string> steps;
  std::vector<std::string> args;
  // What a repeat of a command that took effect says: a create finds what
  // it made, a delete finds nothing to delete.
  std::string done_already = "already exists";
};

// The steps as the operations name them (core/operation.h). The cases
// that need more than SetUp's home (a dump, an LSN, a branch to delete)
// get their arguments from the fixture.
std::vector<FaultCase> fault_cases(const std::vector<std::string>& import_args,
                                   const std::vector<std::string>& dump_args,
                                   const std::string& lsn) {
  return {
      {"branch-create",
       "branch-create",
       {"reserve", "snapshot", "clone", "prepare", "start", "password", "commit"},
       {"branch", "create", "demo/x"}},
      {"pitr-create",
       "branch-create",
       {"reserve", "seal-archive", "clone", "prepare", "recover", "password", "start-snapshot",
        "commit"},
       {"branch", "create", "demo/p", "--lsn", lsn}},
      {"branch-reset",
       "branch-reset",
       {"reserve", "snapshot", "clone", "prepare", "stop-old", "swap", "start", "commit",
        "cleanup"},
       {"branch", "reset", "demo/dev"}},
      {"branch-delete",
       "branch-delete",
       {"record", "stop", "commit", "cleanup"},
       {"branch", "delete", "demo/gone"},
       "no branch named"},
      {"snapshot-create",
       "snapshot-create",
       {"reserve", "snapshot", "commit"},
       {"snapshot", "create", "demo/dev"}},
      {"password-rotate",
       "password-rotate",
       {"record", "apply", "commit"},
       {"branch", "password", "demo/dev"}},
      {"project-create",
       "project-create",
       {"reserve", "volume", "init", "start", "commit"},
       {"project", "create", "other"}},
      {"project-import",
       "project-import",
       {"reserve", "volume", "basebackup", "prepare", "start", "password", "commit"},
       import_args},
      {"project-dump",
       "project-create",
       {"reserve", "volume", "init", "start", "restore", "snapshot", "commit"},
       dump_args},
      {"project-delete",
       "project-delete",
       {"record", "stop", "commit", "cleanup"},
       {"project", "delete", "gone", "--force"},
       "no project named"},
      {"branch-merge",
       "branch-merge",
       {"plan", "rehearse", "snapshot", "record", "apply"},
       {"branch", "merge", "demo/dev"}},
      // diff's scratch server on a clone of dev's base snapshot
      {"scratch", "scratch", {"clone", "prepare", "start"}, {"branch", "diff", "demo/dev"}},
      // Last: they stop dev and start it again.
      {"branch-stop", "branch-stop", {"record", "stop"}, {"branch", "stop", "demo/dev"}},
      {"branch-start",
       "branch-start",
       {"start", "password", "commit"},
       {"branch", "start", "demo/dev"}},
  };
}

class CliFaultMatrixTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    create_project("demo");
    create_branch("demo/dev");
    // Something for merge and diff to carry: a table made on dev.
    ASSERT_TRUE(sql("demo/dev", "CREATE TABLE feature (id int PRIMARY KEY)").ok());
    // A moment of main's past for the point-in-time case, and a copy of
    // main for the imports.
    ASSERT_TRUE(sql("demo/main", "CREATE TABLE history AS SELECT 1 AS id").ok());
    lsn_ = sql_value("demo/main", "SELECT pg_current_wal_lsn()");
    ASSERT_TRUE(sql("demo/main", "INSERT INTO history VALUES (2)").ok());
    const std::string dump = pool().dir() + "/main.dump";
    auto dumped = run_client("demo/main", "pg_dump", {"-Fc", "-f", dump, "postgres"});
    ASSERT_TRUE(dumped.ok() && dumped->exit_code == 0) << (dumped.ok() ? dumped->err : "");
    dump_args_ = project_create_args("dumped");
    dump_args_.insert(dump_args_.end(), {"--from-dump", dump});
    import_args_ = project_create_args("copied");
    import_args_.insert(import_args_.end(), {"--from", url("demo/main")});
  }

  // Room for the imports' copies of main and, on the xfs and copy pools,
  // for what full copies the cases make before gc removes them.
  uint64_t pool_bytes() const override { return 3072ull << 20; }

  std::vector<FaultCase> all_cases() const { return fault_cases(import_args_, dump_args_, lsn_); }

  CliResult with_fault(const std::string& fault, const std::vector<std::string>& args) {
    velo().set_env("VELO_FAULT", fault);
    CliResult r = velo().run(args);
    velo().set_env("VELO_FAULT", "");
    return r;
  }

  // What must hold whatever happened: no orphans, and every branch either
  // stopped or running and answering.
  void expect_consistent(const std::string& what) {
    EXPECT_EQ(orphans(), std::vector<std::string>{}) << what;
    for (const auto& branch : list()) {
      const std::string name = branch.value("name", "");
      const std::string status = branch.value("status", "");
      EXPECT_TRUE(status == "running" || status == "stopped") << what << ": " << branch.dump();
      if (status == "running") {
        EXPECT_EQ(sql_value(name, "SELECT 1"), "1") << what << ": " << name;
      }
    }
  }

  // A reset that failed after stopping the old server started it again:
  // the same servers, with new pids.
  static nlohmann::json without_pids(nlohmann::json observed) {
    observed["servers"] = observed["servers"].size();
    return observed;
  }

  // A diff reads its starting point from a scratch server (the steps
  // under test) unless velo kept that schema from an earlier case. A merge
  // needs a change to carry: a new table on dev for each case.
  // A delete needs something to delete, a start a stopped branch.
  void prepare_case(const FaultCase& c, const std::string& what) {
    if (c.label == "scratch") {
      ASSERT_TRUE(remove_tree(velo().home() + "/cache").ok()) << what;
    }
    if (c.label == "branch-delete" && velo().run({"branch", "show", "demo/gone"}).exit_code != 0) {
      create_branch("demo/gone");
    }
    if (c.label == "project-delete" && velo().run({"project", "show", "gone"}).exit_code != 0) {
      create_project("gone");
      create_branch("gone/child");
    }
    if (c.label == "branch-start") ok({"branch", "stop", "demo/dev"});
    if (c.label == "branch-stop") ok({"branch", "start", "demo/dev"});
    if (c.label != "branch-merge") return;
    std::string table = "t_" + std::to_string(++tables_);
    ASSERT_TRUE(sql("demo/dev", "CREATE TABLE " + table + " (id int)").ok()) << what;
  }

  // Puts the home back as SetUp left it, for the next case: what a
  // completed create or merge made goes again.
  void undo_success(const FaultCase& c) {
    if (c.label == "branch-create") (void)velo().run({"branch", "delete", "demo/x"});
    if (c.label == "pitr-create") (void)velo().run({"branch", "delete", "demo/p"});
    if (c.label == "project-create") (void)velo().run({"project", "delete", "other", "--force"});
    if (c.label == "project-import") (void)velo().run({"project", "delete", "copied", "--force"});
    if (c.label == "project-dump") (void)velo().run({"project", "delete", "dumped", "--force"});
  }

  // After the command went through (repeated, or a delete finished by gc):
  // it did what it says.
  void expect_done(const FaultCase& c, const std::string& what) {
    if (c.label == "pitr-create") {
      EXPECT_EQ(sql_value("demo/p", "SELECT count(*) FROM history"), "1") << what;
    }
    if (c.label == "project-import" || c.label == "project-dump") {
      const std::string project = c.label == "project-import" ? "copied" : "dumped";
      EXPECT_EQ(sql_value(project + "/main", "SELECT count(*) FROM history"), "2") << what;
    }
    if (c.label == "branch-delete") {
      EXPECT_NE(velo().run({"branch", "show", "demo/gone"}).exit_code, 0) << what;
    }
    if (c.label == "project-delete") {
      EXPECT_NE(velo().run({"project", "show", "gone"}).exit_code, 0) << what;
    }
  }

 private:
  int tables_ = 0;
  std::string lsn_;
  std::vector<std::string> import_args_;
  std::vector<std::string> dump_args_;
};

TEST_P(CliFaultMatrixTest, AFailedStepChangesNothing) {
  int cases = 0;
  for (const FaultCase& c : all_cases()) {
    for (const std::string& step : c.steps) {
      const std::string what = c.operation + ":" + step + ":fail";
      SCOPED_TRACE(c.label + ": " + what);
      prepare_case(c, what);
      const nlohmann::json before = observable();
      CliResult r = with_fault(what, c.args);
      if (step == "cleanup") {
        // After the commit: done, with a warning, and gc finishes it.
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_NE(r.err.find("velo gc"), std::string::npos) << r.describe();
        ok({"gc"});
        expect_consistent(what);
        continue;
      }
      EXPECT_EQ(r.exit_code, 1) << r.describe();
      EXPECT_EQ(without_pids(observable()), without_pids(before)) << r.describe();
      expect_consistent(what);
      ++cases;
    }
  }
  RecordProperty("cases", cases);
}

TEST_P(CliFaultMatrixTest, AKillAtAnyStepIsCleanedUpByGc) {
  int cases = 0;
  int interrupted = 0;
  for (const FaultCase& c : all_cases()) {
    for (const std::string& step : c.steps) {
      const std::string what = c.operation + ":" + step + ":kill";
      SCOPED_TRACE(c.label + ": " + what);
      prepare_case(c, what);
      CliResult r = with_fault(what, c.args);
      EXPECT_NE(r.exit_code, 0) << r.describe();
      // No velo runs now: a row an operation left says so.
      for (const auto& branch : list()) {
        const std::string status = branch.value("status", "");
        EXPECT_TRUE(status != "creating" && status != "resetting" && status != "rotating" &&
                    status != "deleting")
            << what << ": " << branch.dump();
        if (status == "interrupted") ++interrupted;
      }
      ok({"gc"});
      expect_consistent(what);
      // The interrupted command, or its effect, stands: repeating it
      // works (a create or a merge that got to its commit is done; a
      // delete whose intent was recorded was finished by gc).
      CliResult again = velo().run(c.args);
      bool done_already =
          again.exit_code == 2 && again.err.find(c.done_already) != std::string::npos;
      EXPECT_TRUE(again.exit_code == 0 || done_already) << again.describe();
      expect_consistent(what + ", repeated");
      expect_done(c, what);
      undo_success(c);
      ++cases;
    }
  }
  EXPECT_GT(interrupted, 0) << "no kill left a row that status shows as interrupted";
  RecordProperty("cases", cases);
  RecordProperty("interrupted_rows_seen", interrupted);
}

VELO_CLI_INSTANTIATE_ON(CliFaultMatrixTest, std::string("btrfs"));

}  // namespace
}  // namespace velo::e2e
