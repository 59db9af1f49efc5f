// schema_to_json and back: a merge record's schemas must come back as
// they were, or the next merge would see changes nobody made.
#include <gtest/gtest.h>

#include "diff/change.h"
#include "diff/schema_json.h"

namespace velo::diff {
namespace {

ClusterSchema sample() {
  ClusterSchema schema;
  DatabaseSchema& db = schema.databases["app"];
  db.encoding = "UTF8";
  db.collation_provider = "libc";
  db.collate = "C.UTF-8";
  db.ctype = "C.UTF-8";
  db.owner = "postgres";
  Object table{.kind = "table", .identity = "public.orders", .sql_name = "TABLE public.orders"};
  table.attributes["owner"] = "postgres";
  db.add(table);
  Object column{
      .kind = "column", .identity = "public.orders.total", .parent = "table public.orders"};
  column.definition = "total numeric(10,2) NOT NULL";
  column.depends_on = {"table public.orders", "type pg_catalog.numeric"};
  column.position = 2;
  db.add(column);
  schema.databases["empty"].encoding = "SQL_ASCII";
  return schema;
}

TEST(DiffSchemaJsonTest, RoundTripKeepsEveryField) {
  ClusterSchema schema = sample();
  auto back = schema_from_json(nlohmann::json::parse(schema_to_json(schema).dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(diff(schema, *back).empty());
  const Object* column = back->databases["app"].find("column public.orders.total");
  ASSERT_NE(column, nullptr);
  EXPECT_EQ(column->position, 2);
  EXPECT_EQ(column->parent, "table public.orders");
  EXPECT_EQ(column->depends_on.size(), 2u);
  EXPECT_EQ(back->databases["empty"].encoding, "SQL_ASCII");
}

TEST(DiffSchemaJsonTest, SomethingElseIsInvalid) {
  auto bad = schema_from_json(nlohmann::json::parse(R"({"databases": {"app": {"objects": 3}}})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
  EXPECT_FALSE(schema_from_json(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace velo::diff
