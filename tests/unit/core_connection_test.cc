// The connection velo hands a user (the project's default database, a
// role without a password) and `velo project set --database` against
// fakes: checked on a running main, taken as given on a stopped one,
// refused (nothing changed) when main lacks it.
#include <gtest/gtest.h>

#include "core/branch/connection.h"
#include "core/project/default_database.h"
#include "support/core_fixture.h"

namespace velo::testing {
namespace {

std::string stored_database(state::Store& store, const std::string& project) {
  auto row = store.project(project);
  return row.ok() && row->has_value() ? (*row)->database : "?";
}

TEST_F(CoreTest, UserConnectionNamesTheProjectsDatabaseAndTheSuperuser) {
  seed_project("api");
  pg::ConnParams p = core::user_connection(handle("api", "main"));
  EXPECT_EQ(p.dbname, "postgres");
  EXPECT_EQ(p.user, "postgres");
  EXPECT_EQ(p.password, "secret-api");
  ASSERT_TRUE(store_->set_project_database("api", "crm").ok());
  EXPECT_EQ(core::user_connection(handle("api", "main")).dbname, "crm");
  EXPECT_EQ(core::user_connection(handle("api", "main"), {"other", ""}).dbname, "other");
}

TEST_F(CoreTest, UserConnectionForAnotherRoleHasNoPassword) {
  seed_project("api");
  pg::ConnParams p = core::user_connection(handle("api", "main"), {"", "app"});
  EXPECT_EQ(p.user, "app");
  EXPECT_EQ(p.password, "");
  // Naming the superuser is the default, password included.
  EXPECT_EQ(core::user_connection(handle("api", "main"), {"", "postgres"}).password, "secret-api");
}

TEST(ConnectionTest, IdentifiersMustBeNonEmptyShortAndPrintable) {
  EXPECT_TRUE(core::validate_identifier("database", "Sales DB ü").ok());
  EXPECT_FALSE(core::validate_identifier("database", "").ok());
  EXPECT_FALSE(core::validate_identifier("database", std::string(64, 'x')).ok());
  EXPECT_TRUE(core::validate_identifier("database", std::string(63, 'x')).ok());
  EXPECT_FALSE(core::validate_identifier("role", "a\nb").ok());
}

TEST(ConnectionTest, ServerImportDefaultsToTheSourceUrlsDatabase) {
  EXPECT_EQ(core::imported_default_database("crm"), "crm");
  EXPECT_EQ(core::imported_default_database("postgres"), "postgres");
  EXPECT_EQ(core::imported_default_database(""), "postgres");
}

TEST_F(CoreTest, SetDatabaseChecksARunningMain) {
  seed_project("api", {.running = true});
  pg_.on_call("FROM pg_database WHERE datname", [](const PgStatement& s) -> FakePg::Answer {
    return std::vector<pg::Row>{{s.params.at(0) == "crm" ? "1" : "0"}};
  });
  auto set = core::set_default_database(*ctx_, "api", "crm");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->checked);
  EXPECT_EQ(set->previous, "postgres");
  EXPECT_EQ(stored_database(*store_, "api"), "crm");

  const std::string before = world();
  auto missing = core::set_default_database(*ctx_, "api", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(missing.error().message, "database nope does not exist on api/main");
  EXPECT_EQ(world(), before);
}

TEST_F(CoreTest, SetDatabaseOnAStoppedMainTakesTheName) {
  seed_project("api");
  auto set = core::set_default_database(*ctx_, "api", "later");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_FALSE(set->checked);
  EXPECT_EQ(stored_database(*store_, "api"), "later");
}

TEST_F(CoreTest, SetDatabaseRefusesBadInput) {
  seed_project("api");
  const std::string before = world();
  auto empty = core::set_default_database(*ctx_, "api", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::Invalid);
  auto unknown = core::set_default_database(*ctx_, "nope", "crm");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(world(), before);
}

}  // namespace
}  // namespace velo::testing
