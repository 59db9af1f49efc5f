#include "pg/connection.h"

#include <gtest/gtest.h>

namespace velo::pg {
namespace {

TEST(ToUrlTest, PlainValues) {
  ConnParams params;
  params.host = "127.0.0.1";
  params.port = 6001;
  params.user = "velo";
  params.password = "secret";
  params.dbname = "postgres";
  EXPECT_EQ(to_url(params, true), "postgres://velo:secret@127.0.0.1:6001/postgres");
  EXPECT_EQ(to_url(params, false), "postgres://velo@127.0.0.1:6001/postgres");
}

TEST(ToUrlTest, PercentEncodesUserPasswordAndDbname) {
  ConnParams params;
  params.user = "al ice@x";
  params.password = "p:w/d@%?#&=+ é";
  params.dbname = "my db";
  EXPECT_EQ(to_url(params, true),
            "postgres://al%20ice%40x:p%3Aw%2Fd%40%25%3F%23%26%3D%2B%20%C3%A9@127.0.0.1:5432/"
            "my%20db");
}

TEST(ToUrlTest, EmptyPasswordIsOmitted) {
  ConnParams params;
  EXPECT_EQ(to_url(params, true), "postgres://postgres@127.0.0.1:5432/postgres");
}

TEST(ToUrlTest, BracketsIpv6Hosts) {
  ConnParams params;
  params.host = "::1";
  EXPECT_EQ(to_url(params, false), "postgres://postgres@[::1]:5432/postgres");
}

TEST(PingTest, NothingListeningIsNoResponse) {
  ConnParams params;
  params.port = 1;  // privileged and unused: refused at once
  params.connect_timeout_s = 2;
  EXPECT_EQ(ping(params), PingStatus::NoResponse);
}

TEST(ConnectionTest, OpenFailureNamesTargetWithoutPassword) {
  ConnParams params;
  params.port = 1;
  params.password = "do-not-print";
  params.connect_timeout_s = 2;
  auto conn = Connection::open(params);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.error().message.find("do-not-print"), std::string::npos);
  EXPECT_NE(conn.error().message.find("127.0.0.1:1"), std::string::npos) << conn.error().message;
}

}  // namespace
}  // namespace velo::pg
