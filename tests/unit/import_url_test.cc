// Source URLs of `velo project create --from`: parsing through libpq,
// redaction, and the conninfo handed to pg_basebackup and primary_conninfo.
#include <gtest/gtest.h>

#include "core/import/basebackup.h"
#include "pg/source_url.h"

namespace velo::pg {
namespace {

TEST(ImportUrl, ParsesEveryPart) {
  auto url = parse_source_url("postgres://alice:s%40cret@db.example.com:6543/shop?sslmode=require");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->params.host, "db.example.com");
  EXPECT_EQ(url->params.port, 6543);
  EXPECT_EQ(url->params.user, "alice");
  EXPECT_EQ(url->params.password, "s@cret");
  EXPECT_TRUE(url->password_in_url);
  EXPECT_EQ(url->params.dbname, "shop");
  // libpq's own password sources stay available.
  EXPECT_EQ(url->params.passfile, "");
  ASSERT_EQ(url->params.options.size(), 1u);
  EXPECT_EQ(url->params.options[0].first, "sslmode");
  EXPECT_EQ(url->params.options[0].second, "require");
}

TEST(ImportUrl, DefaultsAsLibpq) {
  auto url = parse_source_url("postgresql://bob@10.0.0.5/");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->params.port, 5432);
  EXPECT_EQ(url->params.dbname, "bob");
  EXPECT_FALSE(url->password_in_url);
  EXPECT_EQ(url->params.password, "");
}

TEST(ImportUrl, Ipv6Host) {
  auto url = parse_source_url("postgres://u@[::1]:5433/db");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->params.host, "::1");
  EXPECT_EQ(url->params.port, 5433);
}

TEST(ImportUrl, RefusesOtherThingsWithoutEchoingThePassword) {
  for (const char* bad : {"mysql://u:topsecret@h/db", "host=h password=topsecret",
                          "postgres://u:topsecret@h:99999/db", "postgres://u:topsecret@h:12x/db",
                          "postgres://u:topsecret@h/db?connect_timeout=abc", "postgres://",
                          "postgres://h:notaport/db", "http://x", ""}) {
    auto url = parse_source_url(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().kind, ErrorKind::Invalid) << bad;
    EXPECT_EQ(url.error().message.find("topsecret"), std::string::npos) << url.error().message;
  }
}

TEST(ImportUrl, RedactsPasswords) {
  EXPECT_EQ(redact_url("postgres://alice:s3cret@h:5432/db"), "postgres://alice:***@h:5432/db");
  EXPECT_EQ(redact_url("see postgresql://a:b@c@h/db now"), "see postgresql://a:***@h/db now");
  EXPECT_EQ(redact_url("postgres://alice@h:5432/db"), "postgres://alice@h:5432/db");
  EXPECT_EQ(redact_url("postgres://h:5432/db"), "postgres://h:5432/db");
  EXPECT_EQ(redact_url("postgres://u@h/db?sslmode=require&password=x1&a=b"),
            "postgres://u@h/db?sslmode=require&password=***&a=b");
  // libpq reads these passwords whole (found by tests/fuzz/source_url_fuzz).
  EXPECT_EQ(redact_url("postgres://u:pa?ss#wo rd@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(redact_url("postgres://u@h/db?password= rd@db"), "postgres://u@h/db?password=***");
  EXPECT_EQ(redact_url("postgres://u@h/db?password=a b#c&sslmode=require"),
            "postgres://u@h/db?password=***&sslmode=require");
}

TEST(ImportUrl, ConninfoHasNoPassword) {
  auto url = parse_source_url("postgres://al'ice:topsecret@h:5433/my%20db?sslmode=disable");
  ASSERT_TRUE(url.ok()) << url.error().message;
  std::string conninfo = conninfo_without_password(url->params, "/data/velo/passfile", "velo_x");
  EXPECT_EQ(conninfo.find("topsecret"), std::string::npos) << conninfo;
  EXPECT_EQ(conninfo,
            "host='h' port=5433 user='al\\'ice' dbname='my db' sslmode='disable' "
            "passfile='/data/velo/passfile' application_name='velo_x'");
}

TEST(ImportUrl, BasebackupGetsThePasswordThroughItsEnvironmentOnly) {
  auto url = parse_source_url("postgres://rep:topsecret@h:5433/postgres");
  ASSERT_TRUE(url.ok());
  core::BaseBackupRequest request{"/usr/lib/postgresql/15/bin", url->params, "/d/data", "slot1",
                                  "velo import x"};
  Command command = core::basebackup_command(request);
  for (const auto& arg : command.argv) EXPECT_EQ(arg.find("topsecret"), std::string::npos) << arg;
  bool in_env = false;
  for (const auto& [key, value] : command.env)
    in_env |= key == "PGPASSWORD" && value == "topsecret";
  EXPECT_TRUE(in_env);
  EXPECT_EQ(command.argv[0], "/usr/lib/postgresql/15/bin/pg_basebackup");
  EXPECT_NE(std::find(command.argv.begin(), command.argv.end(), "--wal-method=stream"),
            command.argv.end());
  EXPECT_NE(std::find(command.argv.begin(), command.argv.end(), "--slot=slot1"),
            command.argv.end());
  EXPECT_NE(std::find(command.argv.begin(), command.argv.end(), "--create-slot"),
            command.argv.end());
}

TEST(ImportUrl, ToolErrorLinePicksTheError) {
  EXPECT_EQ(core::tool_error_line("pg_basebackup: error: could not write: No space left on device\n"
                                  "pg_basebackup: removing contents of data directory \"/x\"\n"),
            "pg_basebackup: error: could not write: No space left on device");
  EXPECT_EQ(core::tool_error_line("just one line\n"), "just one line");
  EXPECT_EQ(core::tool_error_line(""), "");
}

}  // namespace
}  // namespace velo::pg
