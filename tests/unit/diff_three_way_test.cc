// three_way() over hand-built models: whose changes are taken, what
// conflicts.
#include <gtest/gtest.h>

#include "diff/three_way.h"
#include "support/schema_builder.h"

namespace velo::diff {
namespace {

using testing::cluster;
using testing::SchemaBuilder;

void base_schema(SchemaBuilder& s) {
  s.schema("public");
  s.table("public.orders");
  s.column("public.orders", "id", "bigint", 1, "", true);
  s.column("public.orders", "total", "numeric(10,2)", 2);
}

bool has_change(const ThreeWay& merge, const std::string& key, Change::Action action) {
  for (const Change& change : merge.changes) {
    if (change.key() == key && change.action == action) return true;
  }
  return false;
}

TEST(DiffThreeWayTest, OursChangesAreCarriedOntoTheirs) {
  auto base = cluster(base_schema);
  auto ours = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.column("public.orders", "note", "text", 3);
  });
  auto theirs = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.index("public.orders_total_idx", "public.orders", "CREATE INDEX orders_total_idx ...");
  });
  ThreeWay merge = three_way(base, ours, theirs);
  EXPECT_TRUE(merge.conflicts.empty());
  ASSERT_EQ(merge.changes.size(), 1u);
  EXPECT_TRUE(has_change(merge, "column public.orders.note", Change::Action::Create));
  // Theirs' index stays in the merged schema; it is not undone.
  EXPECT_NE(merge.merged.databases["app"].find("index public.orders_total_idx"), nullptr);
  EXPECT_NE(merge.merged.databases["app"].find("column public.orders.note"), nullptr);
}

TEST(DiffThreeWayTest, TheirsOnlyChangesAreNotReapplied) {
  auto base = cluster(base_schema);
  auto theirs = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.column("public.orders", "total", "numeric(12,2)", 2);
  });
  ThreeWay merge = three_way(base, base, theirs);
  EXPECT_TRUE(merge.changes.empty());
  EXPECT_TRUE(merge.conflicts.empty());
}

TEST(DiffThreeWayTest, TheSameChangeOnBothSidesIsNoConflict) {
  auto base = cluster(base_schema);
  auto both = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.column("public.orders", "total", "numeric(12,2)", 2);
  });
  ThreeWay merge = three_way(base, both, both);
  EXPECT_TRUE(merge.conflicts.empty());
  EXPECT_TRUE(merge.changes.empty());
}

TEST(DiffThreeWayTest, DifferentChangesToOneObjectConflict) {
  auto base = cluster(base_schema);
  auto ours = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.column("public.orders", "total", "numeric(12,2)", 2);
    s.column("public.orders", "note", "text", 3);
  });
  auto theirs = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.column("public.orders", "total", "numeric(14,4)", 2);
  });
  ThreeWay merge = three_way(base, ours, theirs);
  ASSERT_EQ(merge.conflicts.size(), 1u);
  const Conflict& conflict = merge.conflicts[0];
  EXPECT_EQ(conflict.database, "app");
  EXPECT_EQ(conflict.kind, "column");
  EXPECT_EQ(conflict.identity, "public.orders.total");
  EXPECT_NE(conflict.ours.find("numeric(12,2)"), std::string::npos);
  EXPECT_NE(conflict.theirs.find("numeric(14,4)"), std::string::npos);
  // The rest of ours still merges; the conflicting column keeps theirs.
  EXPECT_TRUE(has_change(merge, "column public.orders.note", Change::Action::Create));
  EXPECT_FALSE(has_change(merge, "column public.orders.total", Change::Action::Alter));
}

TEST(DiffThreeWayTest, BothCreatingOneNameDifferentlyConflicts) {
  auto base = cluster(base_schema);
  auto ours = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.view("public.v", "SELECT 1", {});
  });
  auto theirs = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.view("public.v", "SELECT 2", {});
  });
  ThreeWay merge = three_way(base, ours, theirs);
  ASSERT_EQ(merge.conflicts.size(), 1u);
  EXPECT_EQ(merge.conflicts[0].ours.rfind("created", 0), 0u);
}

TEST(DiffThreeWayTest, AChangeUnderAnObjectTheOtherSideDroppedConflicts) {
  auto base = cluster(base_schema);
  auto ours = cluster([](SchemaBuilder& s) { s.schema("public"); });  // dropped orders
  auto theirs = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.column("public.orders", "note", "text", 3);
  });
  ThreeWay merge = three_way(base, ours, theirs);
  ASSERT_EQ(merge.conflicts.size(), 2u);  // the table (dropped) and the column (added)
  EXPECT_TRUE(merge.changes.empty()) << merge.changes[0].key();
  EXPECT_NE(merge.merged.databases["app"].find("table public.orders"), nullptr);
}

TEST(DiffThreeWayTest, ANewObjectNeedingWhatTheOtherSideDroppedConflicts) {
  auto base = cluster(base_schema);
  auto ours = cluster([](SchemaBuilder& s) {
    base_schema(s);
    s.view("public.v", "SELECT total FROM public.orders", {"column public.orders.total"});
  });
  auto theirs = cluster([](SchemaBuilder& s) {
    s.schema("public");
    s.table("public.orders");
    s.column("public.orders", "id", "bigint", 1, "", true);  // total dropped
  });
  ThreeWay merge = three_way(base, ours, theirs);
  ASSERT_EQ(merge.conflicts.size(), 2u);  // the view and the column
  EXPECT_EQ(merge.conflicts[0].identity, "public.orders.total");
  EXPECT_EQ(merge.conflicts[0].theirs, "dropped");
  EXPECT_EQ(merge.conflicts[1].identity, "public.v");
  EXPECT_TRUE(merge.changes.empty());
}

TEST(DiffThreeWayTest, DatabasesCreatedAndDroppedByOurs) {
  auto base = cluster(base_schema);
  base.databases["old"] = base.databases["app"];
  ClusterSchema ours = base;
  ours.databases.erase("old");
  ours.databases["new"] = base.databases["app"];
  ThreeWay merge = three_way(base, ours, base);
  EXPECT_TRUE(merge.conflicts.empty());
  EXPECT_TRUE(has_change(merge, "database new", Change::Action::Create));
  EXPECT_TRUE(has_change(merge, "database old", Change::Action::Drop));

  ClusterSchema theirs = base;  // theirs changed "old" since
  SchemaBuilder(theirs.databases["old"]).view("public.v", "SELECT 1", {});
  merge = three_way(base, ours, theirs);
  ASSERT_EQ(merge.conflicts.size(), 1u);
  EXPECT_EQ(merge.conflicts[0].kind, "database");
  EXPECT_FALSE(has_change(merge, "database old", Change::Action::Drop));
}

}  // namespace
}  // namespace velo::diff
