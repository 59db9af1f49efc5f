// diff() over hand-built models: what counts as a change, and the hazards
// it reports.
#include <gtest/gtest.h>

#include "diff/change.h"
#include "diff/column_types.h"
#include "support/schema_builder.h"

namespace velo::diff {
namespace {

using testing::cluster;
using testing::SchemaBuilder;

void orders(SchemaBuilder& s) {
  s.schema("public");
  s.table("public.orders");
  s.column("public.orders", "id", "bigint", 1, "", true);
  s.column("public.orders", "total", "numeric(10,2)", 2, "0", true);
  s.column("public.orders", "note", "character varying(20)", 3);
}

const Change* find(const std::vector<Change>& changes, const std::string& key) {
  for (const Change& change : changes) {
    if (change.key() == key) return &change;
  }
  return nullptr;
}

bool has_hazard(const Change& change, HazardKind kind) {
  for (const Hazard& hazard : change.hazards) {
    if (hazard.kind == kind) return true;
  }
  return false;
}

TEST(DiffDifferTest, IdenticalSchemasHaveNoChanges) {
  EXPECT_TRUE(diff(cluster(orders), cluster(orders)).empty());
}

TEST(DiffDifferTest, ColumnOrderAndDependenciesDoNotMatter) {
  auto reordered = cluster([](SchemaBuilder& s) {
    orders(s);
    s.column("public.orders", "note", "character varying(20)", 1);
    s.column("public.orders", "id", "bigint", 3, "", true);
    s.view("public.v", "SELECT 1", {"column public.orders.id"});
  });
  auto original = cluster([](SchemaBuilder& s) {
    orders(s);
    s.view("public.v", "SELECT 1", {});
  });
  EXPECT_TRUE(diff(original, reordered).empty());
}

TEST(DiffDifferTest, ReportsCreatedDroppedAndAlteredObjects) {
  auto after = cluster([](SchemaBuilder& s) {
    orders(s);
    s.column("public.orders", "total", "numeric(12,2)", 2, "0", true);
    s.index("public.orders_total_idx", "public.orders",
            "CREATE INDEX orders_total_idx ON public.orders USING btree (total)");
  });
  auto before = cluster([](SchemaBuilder& s) {
    orders(s);
    s.view("public.v", "SELECT 1", {});
  });
  auto changes = diff(before, after);
  ASSERT_EQ(changes.size(), 3u);
  const Change* index = find(changes, "index public.orders_total_idx");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->action, Change::Action::Create);
  EXPECT_EQ(index->database, "app");
  EXPECT_EQ(index->old_definition, "");
  EXPECT_NE(index->new_definition.find("CREATE INDEX"), std::string::npos);
  const Change* view = find(changes, "view public.v");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->action, Change::Action::Drop);
  const Change* total = find(changes, "column public.orders.total");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->action, Change::Action::Alter);
  EXPECT_NE(total->old_definition.find("numeric(10,2)"), std::string::npos);
  EXPECT_NE(total->new_definition.find("numeric(12,2)"), std::string::npos);
}

TEST(DiffDifferTest, ANewTablesColumnsArePartOfItsCreate) {
  auto after = cluster([](SchemaBuilder& s) {
    orders(s);
    s.index("public.orders_total_idx", "public.orders", "CREATE INDEX orders_total_idx ...");
  });
  auto changes = diff(cluster([](SchemaBuilder& s) { s.schema("public"); }), after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_NE(find(changes, "table public.orders"), nullptr);
  EXPECT_NE(find(changes, "index public.orders_total_idx"), nullptr);  // not created with it
}

TEST(DiffDifferTest, ADroppedTablesPartsGoWithIt) {
  auto before = cluster([](SchemaBuilder& s) {
    orders(s);
    s.index("public.orders_total_idx", "public.orders", "CREATE INDEX orders_total_idx ...");
    s.comment("table public.orders", "TABLE public.orders", "orders");
  });
  auto changes = diff(before, cluster([](SchemaBuilder& s) { s.schema("public"); }));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].key(), "table public.orders");
  EXPECT_TRUE(has_hazard(changes[0], HazardKind::DataLoss));
}

TEST(DiffDifferTest, DatabasesCreatedAndDropped) {
  ClusterSchema before = cluster(orders);
  before.databases["old"] = before.databases["app"];
  ClusterSchema after;
  after.databases["new"] = before.databases["app"];
  auto changes = diff(before, after);
  // -app, -old (as databases only), +new with its objects.
  const Change* dropped = find(changes, "database old");
  ASSERT_NE(dropped, nullptr);
  EXPECT_EQ(dropped->action, Change::Action::Drop);
  EXPECT_TRUE(has_hazard(*dropped, HazardKind::DataLoss));
  EXPECT_NE(find(changes, "database app"), nullptr);
  const Change* created = find(changes, "database new");
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->action, Change::Action::Create);
  size_t in_new = 0, in_old = 0;
  for (const Change& change : changes) {
    in_new += change.database == "new" ? 1 : 0;
    in_old += change.database == "old" ? 1 : 0;
  }
  EXPECT_EQ(in_new, 3u);  // database, schema, table
  EXPECT_EQ(in_old, 1u);
}

TEST(DiffDifferTest, DatabaseOwnerIsCompared) {
  ClusterSchema after = cluster(orders);
  after.databases["app"].owner = "alice";
  auto changes = diff(cluster(orders), after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].key(), "database app");
  EXPECT_EQ(changes[0].action, Change::Action::Alter);
}

TEST(DiffDifferTest, HazardsOfColumnChanges) {
  auto after = cluster([](SchemaBuilder& s) {
    orders(s);
    s.column("public.orders", "id", "integer", 1, "", true);                  // narrowing
    s.column("public.orders", "note", "character varying(40)", 3, "", true);  // widened, NOT NULL
    s.column("public.orders", "token", "uuid", 4, "gen_random_uuid()");       // volatile default
    s.column("public.orders", "placed", "date", 5, "CURRENT_DATE");           // stable default
    s.column("public.orders", "region", "text", 6, "", true);                 // rows need values
  });
  auto changes = diff(cluster(orders), after);
  const Change* id = find(changes, "column public.orders.id");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(has_hazard(*id, HazardKind::DataLoss));
  EXPECT_TRUE(has_hazard(*id, HazardKind::TableRewrite));
  const Change* note = find(changes, "column public.orders.note");
  ASSERT_NE(note, nullptr);
  EXPECT_FALSE(has_hazard(*note, HazardKind::TableRewrite));
  EXPECT_TRUE(has_hazard(*note, HazardKind::FullScanValidation));
  EXPECT_TRUE(has_hazard(*find(changes, "column public.orders.token"), HazardKind::TableRewrite));
  EXPECT_TRUE(find(changes, "column public.orders.placed")->hazards.empty());
  EXPECT_TRUE(has_hazard(*find(changes, "column public.orders.region"), HazardKind::NeedsBackfill));
}

TEST(DiffDifferTest, HazardsOfIndexesAndConstraints) {
  auto after = cluster([](SchemaBuilder& s) {
    orders(s);
    s.index("public.orders_total_idx", "public.orders", "CREATE INDEX orders_total_idx ...");
    s.check("public.orders", "positive", "CHECK ((total > (0)::numeric))");
    s.check("public.orders", "later", "CHECK ((total > (0)::numeric)) NOT VALID");
    s.table("public.fresh");
    s.index("public.fresh_idx", "public.fresh", "CREATE INDEX fresh_idx ...");
  });
  auto changes = diff(cluster(orders), after);
  EXPECT_TRUE(has_hazard(*find(changes, "index public.orders_total_idx"), HazardKind::IndexBuild));
  EXPECT_TRUE(has_hazard(*find(changes, "constraint public.orders.positive"),
                         HazardKind::FullScanValidation));
  EXPECT_TRUE(find(changes, "constraint public.orders.later")->hazards.empty());
  EXPECT_TRUE(find(changes, "index public.fresh_idx")->hazards.empty());  // a new, empty table
}

TEST(DiffDifferTest, RemovingAnEnumValueIsAHazard) {
  auto before = cluster([](SchemaBuilder& s) {
    s.enum_type("public.mood", {"sad", "ok", "happy"});
  });
  auto after = cluster([](SchemaBuilder& s) { s.enum_type("public.mood", {"sad", "happy"}); });
  auto changes = diff(before, after);
  ASSERT_EQ(changes.size(), 1u);
  ASSERT_EQ(changes[0].hazards.size(), 1u);
  EXPECT_EQ(changes[0].hazards[0].kind, HazardKind::EnumValueRemoval);
  EXPECT_NE(changes[0].hazards[0].reason.find("'ok'"), std::string::npos);
  auto grown = cluster([](SchemaBuilder& s) {
    s.enum_type("public.mood", {"sad", "ok", "happy", "x"});
  });
  EXPECT_TRUE(diff(before, grown)[0].hazards.empty());
}

TEST(DiffDifferTest, ClassifiesTypeChanges) {
  EXPECT_EQ(classify_type_change("character varying(10)", "character varying(20)"),
            TypeChange::InPlace);
  EXPECT_EQ(classify_type_change("character varying(10)", "text"), TypeChange::InPlace);
  EXPECT_EQ(classify_type_change("character varying(20)", "character varying(10)"),
            TypeChange::Narrowing);
  EXPECT_EQ(classify_type_change("text", "character varying(5)"), TypeChange::Narrowing);
  EXPECT_EQ(classify_type_change("numeric(10,2)", "numeric(12,2)"), TypeChange::InPlace);
  EXPECT_EQ(classify_type_change("numeric(10,2)", "numeric(10,1)"), TypeChange::Narrowing);
  EXPECT_EQ(classify_type_change("numeric(10,2)", "numeric"), TypeChange::InPlace);
  EXPECT_EQ(classify_type_change("integer", "bigint"), TypeChange::Rewrite);
  EXPECT_EQ(classify_type_change("bigint", "smallint"), TypeChange::Narrowing);
  EXPECT_EQ(classify_type_change("text", "integer"), TypeChange::Narrowing);
  EXPECT_EQ(classify_type_change("timestamp without time zone", "timestamp with time zone"),
            TypeChange::Rewrite);
}

}  // namespace
}  // namespace velo::diff
