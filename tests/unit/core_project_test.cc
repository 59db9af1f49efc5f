// velo project create | delete against fakes: create reserves the rows,
// makes the volume, initialises, starts main; a failure at any step
// leaves nothing. Delete removes every branch, snapshot and row.
#include <gtest/gtest.h>

#include "core/branch/branch_ops.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "core/project/project_ops.h"
#include "support/core_fixture.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

core::CreateProjectOptions project(const std::string& name = "api") {
  core::CreateProjectOptions options;
  options.name = name;
  return options;
}

TEST_F(CoreTest, ProjectCreateInitialisesAndStartsMain) {
  auto made = core::create_project(*ctx_, project());
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(runtime_.calls,
            (std::vector<std::string>{"check 15", "init main", "adopt main", "start main"}));
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{"api/main@" + made->branch.volume});
  state::BranchRecord main = branch_row("api", "main");
  EXPECT_EQ(main.status, "ready");
  EXPECT_TRUE(main.archive);
  auto stored = store_->project("api");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->password.size(), 32u);
  EXPECT_EQ(main.password, (*stored)->password);
  const std::string& data = made->spec.data_dir;
  EXPECT_TRUE(path_exists(data + "/PG_VERSION"));
  EXPECT_TRUE(path_exists(data + "/pg_hba.conf"));
  EXPECT_TRUE(path_exists(data + "/velo.conf"));
  EXPECT_TRUE(path_exists(core::archive_dir_of(ctx_->config, ctx_->driver, main.volume)));
  // The start of its retention window: a first scheduled snapshot.
  auto snapshots = store_->snapshots("api");
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->front().kind, "scheduled");
  EXPECT_EQ(snapshots->front().volume, main.volume);
}

TEST_F(CoreTest, ProjectCreateRefusesBadOptionsBeforeMakingAnything) {
  std::vector<core::CreateProjectOptions> bad(5, project());
  bad[0].name = "Bad Name";
  bad[1].pg_version = "fifteen";
  bad[2].runtime = "podman";
  bad[3].archive_timeout_s = 0;
  bad[4].archive_timeout_s = 86401;
  for (const auto& options : bad) {
    auto made = core::create_project(*ctx_, options);
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().kind, ErrorKind::Invalid) << made.error().message;
  }
  EXPECT_EQ(world(), "");
  EXPECT_TRUE(runtime_.calls.empty());
}

TEST_F(CoreTest, ProjectCreateRefusesAnExistingProject) {
  seed_project("api");
  const std::string before = world();
  auto made = core::create_project(*ctx_, project());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(world(), before);
}

// A failure at each step of project create leaves nothing.
class ProjectCreateFailureTest : public CoreTest,
                                 public ::testing::WithParamInterface<FailureCase> {};

TEST_P(ProjectCreateFailureTest, LeavesNothing) {
  Faults f = faults();
  GetParam().inject(f);
  auto made = core::create_project(*ctx_, project());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(world(), "");
}

INSTANTIATE_TEST_SUITE_P(
    Steps, ProjectCreateFailureTest,
    ::testing::Values(FailureCase{"RuntimeCheck", [](Faults& f) { f.runtime.fail_next("check"); }},
                      FailureCase{"Rows", [](Faults& f) { f.fail_writes("branches", "INSERT"); }},
                      FailureCase{"Volume", [](Faults& f) { f.driver.fail_next("create_volume"); }},
                      FailureCase{"Init", [](Faults& f) { f.runtime.fail_next("init"); }},
                      FailureCase{"Adopt", [](Faults& f) { f.runtime.fail_next("adopt"); }},
                      FailureCase{"Start", [](Faults& f) { f.runtime.fail_next("start"); }}),
    case_name);

// Later failures leave nothing: a server that started but never became
// ready (here: stops answering, then is reported dead; with docker, a
// container) is removed, and so is everything when the last step, the row
// update, fails.
INSTANTIATE_TEST_SUITE_P(
    LaterSteps, ProjectCreateFailureTest,
    ::testing::Values(FailureCase{"NeverReady",
                                  [](Faults& f) {
                                    f.pg.ping_default = pg::PingStatus::NoResponse;
                                    f.runtime.fail_next("check_alive");
                                  }},
                      FailureCase{"Ready", [](Faults& f) { f.fail_writes("branches", "UPDATE"); }}),
    case_name);

class ProjectDeleteTest : public CoreTest {
 protected:
  void SetUp() override {
    CoreTest::SetUp();
    auto made = core::create_project(*ctx_, project());
    ASSERT_TRUE(made.ok()) << made.error().message;
    for (const char* name : {"dev", "feature"}) {
      core::CreateBranchOptions options;
      options.name = {"api", name};
      if (std::string(name) == "feature") options.parent = core::BranchName{"api", "dev"};
      ASSERT_TRUE(core::create_branch(*ctx_, options).ok());
    }
    ASSERT_TRUE(core::create_snapshot(*ctx_, {"api", "dev"}, "mine").ok());
    runtime_.calls.clear();
  }
};

TEST_F(ProjectDeleteTest, RemovesEveryBranchSnapshotArchiveAndRow) {
  auto deleted = core::delete_project(*ctx_, "api", true);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(deleted->warning, "");
  EXPECT_EQ(world(), "");
  EXPECT_EQ(runtime_.count("stop-immediately "), 3);
  EXPECT_EQ(runtime_.count("remove "), 3);
}

TEST_F(ProjectDeleteTest, RefusesBranchesBesidesMainWithoutForce) {
  const std::string before = world();
  auto deleted = core::delete_project(*ctx_, "api", false);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(world(), before);
}

TEST_F(ProjectDeleteTest, UnknownAndInvalidNames) {
  auto unknown = core::delete_project(*ctx_, "web", true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
  auto invalid = core::delete_project(*ctx_, "../api", true);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, ErrorKind::Invalid);
}

TEST_F(ProjectDeleteTest, RetiredVolumesGoToo) {
  // dev's old incarnation stays while feature's clone hangs on it, and
  // its old base on main stays as main's history (the retention window).
  ASSERT_TRUE(core::reset_branch(*ctx_, {"api", "dev"}).ok());
  ASSERT_GT(count_rows("snapshots WHERE kind = 'base' AND for_branch IS NULL"), 0);
  ASSERT_TRUE(core::delete_project(*ctx_, "api", true).ok());
  EXPECT_EQ(world(), "");
}

// A failed stop changes nothing; a failure once the servers are down
// leaves the rows "deleting", for the next command on the project to finish.
class ProjectDeleteFailureTest : public ProjectDeleteTest,
                                 public ::testing::WithParamInterface<FailureCase> {};

TEST_P(ProjectDeleteFailureTest, TheNextCommandFinishes) {
  Faults f = faults();
  GetParam().inject(f);
  // Done, with a warning: past the stop, a delete only goes forward.
  auto deleted = core::delete_project(*ctx_, "api", true);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(count_rows("projects"), 1);
  ASSERT_TRUE(core::lock_project(*ctx_, "api").ok());
  EXPECT_EQ(world(), "");
}

TEST_F(ProjectDeleteTest, AFailedStopChangesNothing) {
  const std::string before = world();
  runtime_.fail_next("stop-immediately");
  ASSERT_FALSE(core::delete_project(*ctx_, "api", true).ok());
  EXPECT_EQ(world(), before);
  EXPECT_TRUE(core::delete_project(*ctx_, "api", true).ok());
  EXPECT_EQ(world(), "");
}

// velo killed once the intent was recorded: the project goes.
TEST_F(ProjectDeleteTest, ARecordedDeleteIsFinishedByTheNextCommand) {
  auto rows = store_->branches("api");
  ASSERT_TRUE(rows.ok());
  for (auto row : *rows) {
    row.status = "deleting";
    ASSERT_TRUE(store_->update_branch(row).ok());
  }
  ASSERT_TRUE(core::lock_project(*ctx_, "api").ok());
  EXPECT_EQ(world(), "");
}

INSTANTIATE_TEST_SUITE_P(
    Steps, ProjectDeleteFailureTest,
    ::testing::Values(
        FailureCase{"Remove", [](Faults& f) { f.runtime.fail_next("remove"); }},
        FailureCase{"DestroyVolume", [](Faults& f) { f.driver.fail_next("destroy_volume"); }},
        FailureCase{"DestroySnapshot", [](Faults& f) { f.driver.fail_next("destroy_snapshot"); }}),
    case_name);

}  // namespace
}  // namespace velo::testing
