// summarize() and the JSON forms.
#include <gtest/gtest.h>

#include "diff/summary.h"

namespace velo::diff {
namespace {

Change change(const std::string& database, const std::string& kind, const std::string& identity,
              Change::Action action) {
  Change c{.database = database, .kind = kind, .identity = identity};
  c.action = action;
  return c;
}

TEST(DiffSummaryTest, CountsPerDatabaseActionAndKind) {
  using A = Change::Action;
  std::vector<Change> changes = {change("app", "table", "public.a", A::Create),
                                 change("app", "table", "public.b", A::Create),
                                 change("app", "column", "public.c.x", A::Alter),
                                 change("app", "column", "public.c.y", A::Alter),
                                 change("app", "column", "public.c.z", A::Alter),
                                 change("app", "index", "public.i", A::Drop),
                                 change("logs", "policy", "public.t.p", A::Create),
                                 change("logs", "policy", "public.t.q", A::Create),
                                 change("logs", "database", "logs", A::Alter)};
  EXPECT_EQ(summarize(changes),
            "app: +2 tables, ~3 columns, -1 index\n"
            "logs: +2 policies, ~1 database\n");
  EXPECT_EQ(summarize({}), "");
}

TEST(DiffSummaryTest, ChangesAsJson) {
  Change c = change("app", "column", "public.t.total", Change::Action::Alter);
  c.old_definition = "total integer";
  c.new_definition = "total bigint";
  c.hazards.push_back({HazardKind::TableRewrite, "rewrites public.t"});
  auto json = to_json(std::vector<Change>{c});
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["database"], "app");
  EXPECT_EQ(json[0]["kind"], "column");
  EXPECT_EQ(json[0]["identity"], "public.t.total");
  EXPECT_EQ(json[0]["action"], "alter");
  EXPECT_EQ(json[0]["old_definition"], "total integer");
  EXPECT_EQ(json[0]["new_definition"], "total bigint");
  ASSERT_EQ(json[0]["hazards"].size(), 1u);
  EXPECT_EQ(json[0]["hazards"][0]["kind"], "table-rewrite");
  EXPECT_EQ(json[0]["hazards"][0]["reason"], "rewrites public.t");
}

TEST(DiffSummaryTest, PlansAndConflictsAsJson) {
  Plan plan;
  plan.statements.push_back({.database = "", .sql = "CREATE DATABASE x", .transactional = false});
  auto json = to_json(plan);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["sql"], "CREATE DATABASE x");
  EXPECT_EQ(json[0]["transactional"], false);
  EXPECT_TRUE(json[0]["hazards"].empty());
  auto conflicts =
      to_json(std::vector<Conflict>{{"app", "view", "public.v", "dropped", "altered: x"}});
  EXPECT_EQ(conflicts[0]["ours"], "dropped");
  EXPECT_EQ(conflicts[0]["theirs"], "altered: x");
}

TEST(DiffSummaryTest, HazardKindNames) {
  EXPECT_EQ(to_string(HazardKind::DataLoss), "data-loss");
  EXPECT_EQ(to_string(HazardKind::IndexBuild), "index-build");
  EXPECT_EQ(to_string(HazardKind::FullScanValidation), "full-scan-validation");
  EXPECT_EQ(to_string(HazardKind::EnumValueRemoval), "enum-value-removal");
  EXPECT_EQ(to_string(HazardKind::NeedsBackfill), "needs-backfill");
  EXPECT_EQ(to_string(HazardKind::LongLock), "long-lock");
}

}  // namespace
}  // namespace velo::diff
