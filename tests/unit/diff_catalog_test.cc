// The catalog readers' two passes: a dry run that lists their statements,
// then the rows of those statements, sent at once, in the same order.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "diff/catalog.h"

namespace velo::diff {
namespace {

// Answers each statement with one row naming it; counts what it ran.
class EchoSession : public pg::Session {
 public:
  Result<std::vector<pg::Row>> query(const std::string& sql,
                                     const std::vector<std::string>& = {}) override {
    ran.push_back(sql);
    return std::vector<pg::Row>{{sql}};
  }
  Status exec(const std::string& sql) override {
    ran.push_back(sql);
    return Status::Ok();
  }
  Result<std::string> quote_identifier(const std::string& name) override { return name; }
  int server_version() const override { return 150000; }
  std::vector<std::string> ran;
};

TEST(DiffCatalogTest, DryRunListsStatementsWithoutRunningThem) {
  EchoSession session;
  DatabaseSchema schema;
  std::vector<std::string> listed;
  Catalog dry{.session = session, .schema = schema, .listed = &listed};
  auto rows = dry.query("SELECT 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  ASSERT_TRUE(dry.query("SELECT 2").ok());
  EXPECT_EQ(listed, (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
  EXPECT_TRUE(session.ran.empty());
}

// A catalog whose statements were sent: their rows come from a pipeline.
struct SentCatalog {
  explicit SentCatalog(std::vector<std::string> sent) : statements(std::move(sent)) {
    auto made = session.pipeline(statements);
    if (made.ok()) pipeline = std::move(*made);
    catalog.sent = pipeline.get();
  }
  EchoSession session;
  DatabaseSchema schema;
  std::vector<std::string> statements;
  std::unique_ptr<pg::Pipeline> pipeline;
  Catalog catalog{
      .session = session, .schema = schema, .sent = nullptr, .sent_statements = &statements};
  Result<std::vector<pg::Row>> query(const std::string& sql) { return catalog.query(sql); }
};

TEST(DiffCatalogTest, SentStatementsAnswerInOrder) {
  SentCatalog sent({"SELECT 1", "SELECT 2"});
  ASSERT_NE(sent.pipeline, nullptr);
  auto first = sent.query("SELECT 1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, (std::vector<pg::Row>{{"SELECT 1"}}));
  auto second = sent.query("SELECT 2");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, (std::vector<pg::Row>{{"SELECT 2"}}));
  // Nothing was listed after them.
  EXPECT_FALSE(sent.query("SELECT 3").ok());
}

TEST(DiffCatalogTest, AStatementTheDryRunDidNotListFails) {
  SentCatalog sent({"SELECT 1"});
  ASSERT_NE(sent.pipeline, nullptr);
  auto other = sent.query("SELECT 2");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("not listed"), std::string::npos);
  EXPECT_TRUE(sent.session.ran.empty());
}

}  // namespace
}  // namespace velo::diff
