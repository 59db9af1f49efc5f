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
  std::string operation;
  std::vector<std::string> steps;
  std::vector<std::string> args;
};

// The steps as the operations name them (core/operation.h).
std::vector<FaultCase> fault_cases() {
  return {
      {"branch-create",
       {"reserve", "snapshot", "clone", "prepare", "start", "password", "commit"},
       {"branch", "create", "demo/x"}},
      {"branch-reset",
       {"reserve", "snapshot", "clone", "prepare", "stop-old", "swap", "start", "commit",
        "cleanup"},
       {"branch", "reset", "demo/dev"}},
      {"snapshot-create", {"reserve", "snapshot", "commit"}, {"snapshot", "create", "demo/dev"}},
      {"password-rotate", {"record", "apply", "commit"}, {"branch", "password", "demo/dev"}},
      {"project-create",
       {"reserve", "volume", "init", "start", "commit"},
       {"project", "create", "other"}},
      {"branch-merge",
       {"plan", "rehearse", "snapshot", "record", "apply"},
       {"branch", "merge", "demo/dev"}},
      // diff's scratch server on a clone of dev's base snapshot
      {"scratch", {"clone", "prepare", "start"}, {"branch", "diff", "demo/dev"}},
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
  }

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
  void prepare_case(const FaultCase& c, const std::string& what) {
    if (c.operation == "scratch") {
      ASSERT_TRUE(remove_tree(velo().home() + "/cache").ok()) << what;
    }
    if (c.operation != "branch-merge") return;
    std::string table = "t_" + std::to_string(++tables_);
    ASSERT_TRUE(sql("demo/dev", "CREATE TABLE " + table + " (id int)").ok()) << what;
  }

  // Puts the home back as SetUp left it, for the next case: what a
  // completed create or merge made goes again.
  void undo_success(const FaultCase& c) {
    if (c.operation == "branch-create") (void)velo().run({"branch", "delete", "demo/x"});
    if (c.operation == "project-create")
      (void)velo().run({"project", "delete", "other", "--force"});
  }

 private:
  int tables_ = 0;
};

TEST_P(CliFaultMatrixTest, AFailedStepChangesNothing) {
  int cases = 0;
  for (const FaultCase& c : fault_cases()) {
    for (const std::string& step : c.steps) {
      const std::string what = c.operation + ":" + step + ":fail";
      SCOPED_TRACE(what);
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
  for (const FaultCase& c : fault_cases()) {
    for (const std::string& step : c.steps) {
      const std::string what = c.operation + ":" + step + ":kill";
      SCOPED_TRACE(what);
      prepare_case(c, what);
      CliResult r = with_fault(what, c.args);
      EXPECT_NE(r.exit_code, 0) << r.describe();
      ok({"gc"});
      expect_consistent(what);
      // The interrupted command, or its effect, stands: repeating it
      // works (a create or a merge that got to its commit is done).
      CliResult again = velo().run(c.args);
      bool done_already =
          again.exit_code == 2 && again.err.find("already exists") != std::string::npos;
      EXPECT_TRUE(again.exit_code == 0 || done_already) << again.describe();
      expect_consistent(what + ", repeated");
      undo_success(c);
      ++cases;
    }
  }
  RecordProperty("cases", cases);
}

VELO_CLI_INSTANTIATE_ON(CliFaultMatrixTest, std::string("btrfs"));

}  // namespace
}  // namespace velo::e2e
