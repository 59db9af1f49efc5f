// What velo checks about a source before an import: version, privilege,
// and telling a refused login from an unreachable server.
#include <gtest/gtest.h>

#include "core/import/source.h"

namespace velo::core {
namespace {

TEST(ImportChecks, MajorVersion) {
  EXPECT_EQ(major_of(150004), "15");
  EXPECT_EQ(major_of(160000), "16");
  EXPECT_EQ(major_of(90624), "9.6");
}

TEST(ImportChecks, VersionMismatchSaysBoth) {
  EXPECT_TRUE(check_source_version(150007, "15").ok());
  Status status = check_source_version(160002, "15");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Invalid);
  EXPECT_NE(status.error().message.find("source is PostgreSQL 16, this project uses 15"),
            std::string::npos)
      << status.error().message;
}

TEST(ImportChecks, ReplicationPrivilege) {
  EXPECT_TRUE(check_replication_privilege("r", false, true).ok());
  EXPECT_TRUE(check_replication_privilege("r", true, false).ok());
  Status status = check_replication_privilege("app", false, false);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("REPLICATION"), std::string::npos);
  EXPECT_NE(status.error().message.find("app"), std::string::npos);
}

TEST(ImportChecks, ClassifiesConnectErrors) {
  pg::ConnParams params;
  params.host = "h";
  params.user = "u";
  params.password = "topsecret";
  Error login =
      classify_connect_error(params, "FATAL:  password authentication failed for user \"u\"");
  EXPECT_EQ(login.kind, ErrorKind::Invalid);
  EXPECT_NE(login.message.find("refused the login"), std::string::npos);
  Error refused = classify_connect_error(
      params, "connection to server at \"h\", port 5432 failed: Connection refused");
  EXPECT_EQ(refused.kind, ErrorKind::Unavailable);
  EXPECT_NE(refused.message.find("cannot reach"), std::string::npos);
  EXPECT_EQ(refused.message.find("topsecret"), std::string::npos);
  // libpq's second line ("\tIs the server running ...") joins the first.
  Error two_lines = classify_connect_error(
      params, "connection to server failed: Connection refused\n\tIs the server running?\n");
  EXPECT_EQ(two_lines.message.find('\n'), std::string::npos) << two_lines.message;
  EXPECT_NE(two_lines.message.find("refused Is the server"), std::string::npos);
  // A parameter value libpq checks only when it connects is a bad URL.
  Error sslmode = classify_connect_error(params, "invalid sslmode value: \"bogus\"");
  EXPECT_EQ(sslmode.kind, ErrorKind::Invalid);
}

}  // namespace
}  // namespace velo::core
