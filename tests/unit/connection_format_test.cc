// The forms `velo branch url` prints: shell exports that bash evaluates
// back to the same values, .pgpass escaping, JSON, and URLs that
// percent-encode a database and a role.
#include "cli/connection_format.h"

#include <gtest/gtest.h>

#include "app/reports.h"
#include "util/exec.h"

namespace velo::cli {
namespace {

pg::ConnParams params() {
  pg::ConnParams p;
  p.host = "127.0.0.1";
  p.port = 6012;
  p.user = "postgres";
  p.password = "pa'ss:w\\rd $HOME `x`";
  p.dbname = "crm";
  return p;
}

TEST(ConnectionFormatTest, ParsesTheFourFormatsAndRefusesOthers) {
  EXPECT_EQ(*parse_conn_format("url"), ConnFormat::Url);
  EXPECT_EQ(*parse_conn_format("env"), ConnFormat::Env);
  EXPECT_EQ(*parse_conn_format("pgpass"), ConnFormat::Pgpass);
  EXPECT_EQ(*parse_conn_format("json"), ConnFormat::Json);
  auto bad = parse_conn_format("yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
  EXPECT_NE(bad.error().message.find("'yaml'"), std::string::npos);
}

TEST(ConnectionFormatTest, ShellQuoteWrapsAndEscapesSingleQuotes) {
  EXPECT_EQ(shell_quote("plain"), "'plain'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(ConnectionFormatTest, EnvLinesEvaluateToTheExactValuesInBash) {
  pg::ConnParams p = params();
  p.dbname = "my db;rm -rf x";
  std::string script = env_lines(p) +
                       "printf '%s\\n' \"$PGHOST\" \"$PGPORT\" \"$PGDATABASE\" \"$PGUSER\" "
                       "\"$PGPASSWORD\"";
  RealProcessRunner runner;
  auto result = runner.run(Command{{"bash", "-c", "eval \"$1\"", "bash", script}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 0) << result->err;
  EXPECT_EQ(result->out, "127.0.0.1\n6012\nmy db;rm -rf x\npostgres\n" + p.password + "\n");
}

TEST(ConnectionFormatTest, EnvLinesWithoutPasswordUnsetAnOldOne) {
  pg::ConnParams p = params();
  p.password.clear();
  std::string lines = env_lines(p);
  EXPECT_NE(lines.find("unset PGPASSWORD\n"), std::string::npos);
  EXPECT_EQ(lines.find("export PGPASSWORD"), std::string::npos);
  EXPECT_EQ(lines.rfind("export PGHOST='127.0.0.1'\n", 0), 0U) << lines;
}

TEST(ConnectionFormatTest, PgpassEscapesColonAndBackslash) {
  EXPECT_EQ(pgpass_escape("a:b\\c"), "a\\:b\\\\c");
  auto line = pgpass_line(params());
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(*line, "127.0.0.1:6012:crm:postgres:pa'ss\\:w\\\\rd $HOME `x`\n");
}

TEST(ConnectionFormatTest, PgpassWithoutPasswordIsRefused) {
  pg::ConnParams p = params();
  p.password.clear();
  auto line = pgpass_line(p);
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.error().kind, ErrorKind::Invalid);
}

TEST(ConnectionFormatTest, JsonHasEveryFieldAndNullForNoPassword) {
  nlohmann::json json = app::connection_json(params());
  EXPECT_EQ(json["host"], "127.0.0.1");
  EXPECT_EQ(json["port"], 6012);
  EXPECT_EQ(json["database"], "crm");
  EXPECT_EQ(json["user"], "postgres");
  EXPECT_EQ(json["password"], params().password);
  EXPECT_EQ(json["url"], pg::to_url(params(), true));
  pg::ConnParams p = params();
  p.password.clear();
  EXPECT_TRUE(app::connection_json(p)["password"].is_null());
}

TEST(ConnectionFormatTest, UrlPercentEncodesDatabaseAndRole) {
  pg::ConnParams p = params();
  p.user = "app user@x";
  p.password.clear();
  p.dbname = "sales/eu ü";
  auto url = format_connection(ConnFormat::Url, p);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "postgres://app%20user%40x@127.0.0.1:6012/sales%2Feu%20%C3%BC\n");
}

}  // namespace
}  // namespace velo::cli
