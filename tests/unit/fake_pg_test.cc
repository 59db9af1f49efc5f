// The fakes the core tests stand on: FakePg's rules, log and refusals,
// and FakeRuntime's servers that start, as core's readiness check sees them.
#include "support/fake_pg.h"

#include <gtest/gtest.h>

#include "core/cluster.h"
#include "support/fake_runtime.h"
#include "support/temp_dir_test.h"

namespace velo::testing {
namespace {

pg::ConnParams at(int port, const std::string& password = "pw") {
  pg::ConnParams params;
  params.port = port;
  params.password = password;
  return params;
}

TEST(FakePgTest, NewestMatchingRuleAnswersAndEveryStatementIsLogged) {
  FakePg pg;
  pg.on("SELECT", {{"old"}});
  pg.on("SELECT 1", {{"one"}});
  pg.on_regex("^SELECT [0-9]+$", {{"number"}});
  auto session = pg.connect(at(5432));
  ASSERT_TRUE(session.ok());
  EXPECT_EQ((*session)->query("SELECT 1")->at(0).at(0), "number");
  EXPECT_EQ((*session)->query("SELECT 1 + $1", {"2"})->at(0).at(0), "one");
  EXPECT_EQ((*session)->query("SELECT x")->at(0).at(0), "old");
  EXPECT_TRUE((*session)->query("VACUUM")->empty());  // no rule: no rows
  ASSERT_EQ(pg.statements().size(), 4u);
  EXPECT_EQ(pg.statements()[1].params, std::vector<std::string>{"2"});
  EXPECT_EQ(pg.statements()[1].conn.password, "pw");
  EXPECT_EQ(pg.count("SELECT 1"), 2);
}

TEST(FakePgTest, SequencesHandlersAndCountedFailures) {
  FakePg pg;
  pg.on_each("next", {{{"a"}}, {{"b"}}});
  pg.on_call("echo", [](const PgStatement& s) -> FakePg::Answer {
    return std::vector<pg::Row>{{s.params.at(0)}};
  });
  pg.fail("flaky", ErrorKind::Busy, 1);
  auto session = std::move(pg.connect(at(5432)).value());
  EXPECT_EQ(session->query("next")->at(0).at(0), "a");
  EXPECT_EQ(session->query("next")->at(0).at(0), "b");
  EXPECT_EQ(session->query("next")->at(0).at(0), "b");
  EXPECT_EQ(session->query("echo", {"hi"})->at(0).at(0), "hi");
  auto flaky = session->exec("flaky");
  ASSERT_FALSE(flaky.ok());
  EXPECT_EQ(flaky.error().kind, ErrorKind::Busy);
  EXPECT_TRUE(session->exec("flaky").ok());
}

TEST(FakePgTest, RefusalsLookLikeLibpqsAndSessionsAreNumbered) {
  FakePg pg;
  pg.refuse(6000, "password authentication failed");
  auto refused = pg.connect(at(6000));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "cannot connect to postgres://postgres@127.0.0.1:6000/postgres: password "
            "authentication failed");
  auto first = std::move(pg.connect(at(6001)).value());
  auto second = std::move(pg.connect(at(6001)).value());
  ASSERT_TRUE(second->exec("A").ok());
  ASSERT_TRUE(first->exec("B").ok());
  EXPECT_EQ(pg.statements()[0].session, 3);
  EXPECT_EQ(pg.statements()[1].session, 2);
  EXPECT_EQ(pg.connections().size(), 3u);
}

TEST(FakePgTest, ClientSideHelpersAreLoggedAndCanFail) {
  FakePg pg;
  auto session = std::move(pg.connect(at(5432)).value());
  EXPECT_EQ(*pg.encrypt_password("u", "secret"), FakePg::verifier("u", "secret"));
  EXPECT_EQ(FakePg::verifier("u", "secret").find("secret"), std::string::npos);
  EXPECT_EQ(*session->quote_identifier("Role"), "\"Role\"");
  EXPECT_EQ(pg.count("\\encrypt_password"), 1);
  pg.fail("\\quote_identifier");
  EXPECT_FALSE(session->quote_identifier("x").ok());
  pg.fail("\\encrypt_password");
  EXPECT_FALSE(pg.encrypt_password("u", "secret").ok());
}

TEST(FakePgTest, PingsPerPortInSequence) {
  FakePg pg;
  pg.ping_sequence(1, {pg::PingStatus::NoResponse, pg::PingStatus::Ok});
  pg.ping_default = pg::PingStatus::Rejecting;
  EXPECT_EQ(pg.ping(at(1)), pg::PingStatus::NoResponse);
  EXPECT_EQ(pg.ping(at(1)), pg::PingStatus::Ok);
  EXPECT_EQ(pg.ping(at(1)), pg::PingStatus::Ok);
  EXPECT_EQ(pg.ping(at(2)), pg::PingStatus::Rejecting);
  EXPECT_EQ(pg.pings(), 4);
}

class FakeRuntimeTest : public TempDirTest {
 protected:
  runtime::ClusterSpec spec() {
    runtime::ClusterSpec spec;
    spec.project = "api";
    spec.branch = "dev";
    spec.data_dir = dir_ + "/api.dev.1/data";
    spec.port = 6001;
    return spec;
  }
  FakeRuntime runtime_;
};

TEST_F(FakeRuntimeTest, StartedServersAreReadyUntilStopped) {
  ASSERT_TRUE(make_dirs(spec().data_dir, 0700).ok());
  EXPECT_EQ(*runtime_.state(spec()), runtime::ClusterState::Stopped);
  ASSERT_TRUE(runtime_.start(spec()).ok());
  EXPECT_EQ(core::postmaster_status(spec().data_dir), "ready");
  EXPECT_EQ(*runtime_.state(spec()), runtime::ClusterState::Running);
  EXPECT_EQ(runtime_.running(), std::vector<std::string>{"api/dev@api.dev.1"});
  EXPECT_TRUE(runtime_.check_alive(spec()).ok());
  ASSERT_TRUE(runtime_.stop(spec()).ok());
  EXPECT_EQ(core::postmaster_status(spec().data_dir), "");
  EXPECT_EQ(*runtime_.state(spec()), runtime::ClusterState::Stopped);
  EXPECT_FALSE(runtime_.check_alive(spec()).ok());
  EXPECT_EQ(runtime_.calls, (std::vector<std::string>{"start dev", "stop dev"}));
}

TEST_F(FakeRuntimeTest, FailuresOnceOrEveryStart) {
  ASSERT_TRUE(make_dirs(spec().data_dir, 0700).ok());
  runtime_.fail_next("start");
  EXPECT_FALSE(runtime_.start(spec()).ok());
  EXPECT_TRUE(runtime_.start(spec()).ok());
  ASSERT_TRUE(runtime_.stop(spec()).ok());
  runtime_.start_fails = true;
  EXPECT_FALSE(runtime_.start(spec()).ok());
  EXPECT_FALSE(runtime_.start(spec()).ok());
  EXPECT_TRUE(runtime_.running().empty());
  EXPECT_EQ(*runtime_.state(runtime::ClusterSpec{}), runtime::ClusterState::Missing);
}

}  // namespace
}  // namespace velo::testing
