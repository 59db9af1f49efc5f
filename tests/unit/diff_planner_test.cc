// plan() over hand-built models: the order of its statements, what it
// rebuilds around a change, what runs outside transactions.
#include <gtest/gtest.h>

#include <algorithm>

#include "diff/plan.h"
#include "diff/plan_order.h"
#include "support/schema_builder.h"

namespace velo::diff {
namespace {

using testing::cluster;
using testing::SchemaBuilder;

void orders(SchemaBuilder& s) {
  s.schema("public");
  s.table("public.orders");
  s.column("public.orders", "id", "bigint", 1, "", true);
  s.column("public.orders", "total", "numeric(10,2)", 2);
}

std::vector<std::string> sql_of(const Plan& plan) {
  std::vector<std::string> sql;
  for (const Statement& statement : plan.statements) sql.push_back(statement.sql);
  return sql;
}

// The position of the first statement starting with `prefix`, or -1.
int position(const Plan& plan, const std::string& prefix) {
  for (size_t i = 0; i < plan.statements.size(); ++i) {
    if (plan.statements[i].sql.rfind(prefix, 0) == 0) return static_cast<int>(i);
  }
  return -1;
}

Plan plan_between(const ClusterSchema& from, const ClusterSchema& to) {
  return plan(diff(from, to), from, to);
}

TEST(DiffPlannerTest, CreatesFollowDependencies) {
  auto to = cluster([](SchemaBuilder& s) {
    orders(s);
    s.schema("sales");
    s.enum_type("sales.status", {"new", "paid"});
    s.table("sales.leads");
    s.column("sales.leads", "status", "sales.status", 1).depends_on.insert("type sales.status");
    s.view("sales.a_view", "SELECT status FROM sales.leads", {"column sales.leads.status"});
  });
  Plan result = plan_between(cluster(orders), to);
  int schema = position(result, "CREATE SCHEMA IF NOT EXISTS sales");
  int type = position(result, "CREATE TYPE sales.status");
  int table = position(result, "CREATE TABLE sales.leads");
  int view = position(result, "CREATE VIEW sales.a_view");
  ASSERT_GE(schema, 0);
  EXPECT_LT(schema, type);
  EXPECT_LT(type, table);
  EXPECT_LT(table, view);
  EXPECT_NE(result.statements[table].sql.find("status sales.status"), std::string::npos);
  // Columns are in the CREATE TABLE, not added after it.
  EXPECT_EQ(position(result, "ALTER TABLE sales.leads ADD COLUMN"), -1);
}

TEST(DiffPlannerTest, DropsGoInReverseDependencyOrder) {
  auto from = cluster([](SchemaBuilder& s) {
    orders(s);
    s.view("public.v", "SELECT id FROM public.orders", {"column public.orders.id"});
    s.view("public.w", "SELECT id FROM public.v", {"view public.v"});
  });
  Plan result = plan_between(from, cluster([](SchemaBuilder& s) { s.schema("public"); }));
  int w = position(result, "DROP VIEW IF EXISTS public.w");
  int v = position(result, "DROP VIEW IF EXISTS public.v");
  int table = position(result, "DROP TABLE public.orders");
  ASSERT_GE(w, 0);
  EXPECT_LT(w, v);
  EXPECT_LT(v, table);
  // The table's columns go with it.
  EXPECT_EQ(position(result, "ALTER TABLE public.orders DROP COLUMN"), -1);
  EXPECT_FALSE(result.statements[table].hazards.empty());
}

TEST(DiffPlannerTest, AViewOverARetypedColumnIsDroppedAndRecreatedAroundIt) {
  auto with_view = [](const std::string& total_type) {
    return cluster([&](SchemaBuilder& s) {
      orders(s);
      s.column("public.orders", "total", total_type, 2);
      s.view("public.v", "SELECT total FROM public.orders", {"column public.orders.total"});
      s.view("public.w", "SELECT total FROM public.v", {"view public.v"});
      s.comment("view public.v", "VIEW public.v", "over total");
    });
  };
  Plan result = plan_between(with_view("numeric(10,2)"), with_view("double precision"));
  int drop_w = position(result, "DROP VIEW IF EXISTS public.w");
  int drop_v = position(result, "DROP VIEW IF EXISTS public.v");
  int alter =
      position(result, "ALTER TABLE public.orders ALTER COLUMN total TYPE double precision");
  int create_v = position(result, "CREATE VIEW public.v");
  int create_w = position(result, "CREATE VIEW public.w");
  int comment = position(result, "COMMENT ON VIEW public.v");
  ASSERT_GE(alter, 0) << ::testing::PrintToString(sql_of(result));
  EXPECT_LT(drop_w, drop_v);
  EXPECT_LT(drop_v, alter);
  EXPECT_LT(alter, create_v);
  EXPECT_LT(create_v, create_w);
  EXPECT_LT(create_v, comment);
  EXPECT_FALSE(result.statements[alter].hazards.empty());  // a rewrite
}

TEST(DiffPlannerTest, AnEnumGrowsOutsideATransaction) {
  auto from = cluster([](SchemaBuilder& s) { s.enum_type("public.mood", {"sad", "ok"}); });
  auto to = cluster([](SchemaBuilder& s) {
    s.enum_type("public.mood", {"awful", "sad", "meh", "ok", "happy"});
  });
  Plan result = plan_between(from, to);
  EXPECT_EQ(sql_of(result),
            (std::vector<std::string>{"ALTER TYPE public.mood ADD VALUE 'awful' BEFORE 'sad'",
                                      "ALTER TYPE public.mood ADD VALUE 'meh' AFTER 'sad'",
                                      "ALTER TYPE public.mood ADD VALUE 'happy' AFTER 'ok'"}));
  for (const Statement& statement : result.statements) EXPECT_FALSE(statement.transactional);
}

TEST(DiffPlannerTest, AnEnumLosingAValueIsDroppedAndCreated) {
  auto from = cluster([](SchemaBuilder& s) { s.enum_type("public.mood", {"sad", "ok"}); });
  auto to = cluster([](SchemaBuilder& s) { s.enum_type("public.mood", {"sad"}); });
  Plan result = plan_between(from, to);
  ASSERT_GE(position(result, "DROP TYPE public.mood"), 0);
  EXPECT_LT(position(result, "DROP TYPE public.mood"), position(result, "CREATE TYPE public.mood"));
}

TEST(DiffPlannerTest, AnEnumInUseLosingAValueIsRebuiltUnderItsColumns) {
  auto schema = [](const std::vector<std::string>& labels) {
    return cluster([&](SchemaBuilder& s) {
      orders(s);
      s.enum_type("public.mood", labels);
      s.column("public.orders", "mood", "public.mood", 3, "'ok'::public.mood")
          .depends_on.insert("type public.mood");
      s.view("public.v", "SELECT mood FROM public.orders", {"column public.orders.mood"});
    });
  };
  Plan result = plan_between(schema({"sad", "ok", "happy"}), schema({"sad", "ok"}));
  const std::string column = "ALTER TABLE public.orders ALTER COLUMN mood ";
  int drop_view = position(result, "DROP VIEW IF EXISTS public.v");
  int rename = position(result, "ALTER TYPE public.mood RENAME TO velo_replaced_enum");
  ASSERT_GE(rename, 0) << ::testing::PrintToString(sql_of(result));
  EXPECT_LT(drop_view, rename);
  ASSERT_GE(result.statements.size(), static_cast<size_t>(rename + 6));
  EXPECT_EQ(result.statements[rename + 1].sql, "CREATE TYPE public.mood AS ENUM ('sad', 'ok')");
  EXPECT_EQ(result.statements[rename + 2].sql, column + "DROP DEFAULT");
  EXPECT_EQ(result.statements[rename + 3].sql,
            column + "TYPE public.mood USING mood::text::public.mood");
  EXPECT_EQ(result.statements[rename + 4].sql, column + "SET DEFAULT 'ok'::public.mood");
  EXPECT_EQ(result.statements[rename + 5].sql, "DROP TYPE public.velo_replaced_enum");
  EXPECT_GT(position(result, "CREATE VIEW public.v"), rename + 5);
  EXPECT_EQ(position(result, "DROP TYPE public.mood"), -1);
}

TEST(DiffPlannerTest, DatabasesAreCreatedOutsideTransactionsFirst) {
  ClusterSchema from = cluster(orders);
  ClusterSchema to = from;
  to.databases["reports"] = from.databases["app"];
  Plan result = plan_between(from, to);
  ASSERT_FALSE(result.statements.empty());
  const Statement& first = result.statements[0];
  EXPECT_EQ(first.sql.rfind("CREATE DATABASE reports TEMPLATE template0", 0), 0u);
  EXPECT_FALSE(first.transactional);
  EXPECT_EQ(first.database, "");
  EXPECT_GE(position(result, "CREATE TABLE public.orders"), 1);
  EXPECT_EQ(result.statements[position(result, "CREATE TABLE public.orders")].database, "reports");

  Plan dropped = plan_between(to, from);
  ASSERT_EQ(dropped.statements.size(), 1u);
  EXPECT_EQ(dropped.statements[0].sql, "DROP DATABASE reports");
  EXPECT_FALSE(dropped.statements[0].transactional);
  EXPECT_FALSE(dropped.statements[0].hazards.empty());
}

TEST(DiffPlannerTest, AnOwnerChangeIsOneStatement) {
  auto to = cluster([](SchemaBuilder& s) {
    orders(s);
    s.table("public.orders", "alice");
  });
  EXPECT_EQ(sql_of(plan_between(cluster(orders), to)),
            std::vector<std::string>{"ALTER TABLE public.orders OWNER TO alice"});
}

TEST(DiffPlannerTest, AColumnChangeDropsTheOldDefaultFirst) {
  auto to = cluster([](SchemaBuilder& s) {
    orders(s);
    s.column("public.orders", "total", "bigint", 2, "42", true);
  });
  auto from = cluster([](SchemaBuilder& s) {
    orders(s);
    s.column("public.orders", "total", "numeric(10,2)", 2, "0");
  });
  const std::string alter = "ALTER TABLE public.orders ALTER COLUMN total ";
  EXPECT_EQ(
      sql_of(plan_between(from, to)),
      (std::vector<std::string>{alter + "DROP DEFAULT", alter + "TYPE bigint USING total::bigint",
                                alter + "SET DEFAULT 42", alter + "SET NOT NULL"}));
}

TEST(DiffPlannerTest, SerialSequenceBeforeItsTableAndOwnedByAfter) {
  auto to = cluster([](SchemaBuilder& s) {
    orders(s);
    s.sequence("public.b_id_seq");
    s.table("public.b");
    s.column("public.b", "id", "integer", 1, "nextval('public.b_id_seq'::regclass)")
        .depends_on.insert("sequence public.b_id_seq");
    Object owned{.kind = "sequence ownership",
                 .identity = "public.b_id_seq",
                 .parent = "sequence public.b_id_seq"};
    owned.definition = "ALTER SEQUENCE public.b_id_seq OWNED BY public.b.id";
    owned.depends_on.insert("column public.b.id");
    s.add(std::move(owned));
  });
  // "sequence ownership" sorts before "table": only the dependency puts it after.
  Plan result = plan_between(cluster(orders), to);
  int sequence = position(result, "CREATE SEQUENCE public.b_id_seq");
  int table = position(result, "CREATE TABLE public.b");
  int owned = position(result, "ALTER SEQUENCE public.b_id_seq OWNED BY");
  ASSERT_GE(sequence, 0);
  EXPECT_LT(sequence, table);
  EXPECT_LT(table, owned);
}

TEST(DiffPlannerTest, OrderStepsRespectsPredecessorsThenRank) {
  // 0: create (rank 2), 1: drop (rank 0) that must follow 0, 2: alter (rank 1).
  auto order = order_steps({2, 0, 1}, {{}, {0}, {}});
  EXPECT_EQ(order, (std::vector<size_t>{2, 0, 1}));
}

TEST(DiffPlannerTest, OrderStepsBreaksCyclesAndReturnsEveryStep) {
  auto order = order_steps({0, 0, 1}, {{1}, {0}, {}});
  ASSERT_EQ(order.size(), 3u);
  std::vector<size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace velo::diff
