// velo serve's parts that need no socket: --listen, the token, error
// statuses, the event hub and the operations registry.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "server/api_token.h"
#include "server/event_hub.h"
#include "server/http_error.h"
#include "server/listen_address.h"
#include "server/operations.h"
#include "server/reaper.h"
#include "support/temp_dir_test.h"

namespace velo::server {
namespace {

TEST(ServeListenTest, ParsesHostAndPort) {
  auto v4 = parse_listen_address("127.0.0.1:7780");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 7780);
  auto v6 = parse_listen_address("[::1]:80");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(parse_listen_address("localhost:1").ok());
  for (const char* bad : {"", "7780", ":7780", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:80x", "::1:80", "[::1:80", "example.com:80", "1.2.3:80"}) {
    auto parsed = parse_listen_address(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid) << bad;
  }
}

TEST(ServeListenTest, KnowsLoopback) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(is_loopback(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "10.0.0.1", "::", "128.0.0.1", "fe80::1"}) {
    EXPECT_FALSE(is_loopback(host)) << host;
  }
}

TEST(ServeTokenTest, MatchesOnlyTheSameToken) {
  EXPECT_TRUE(token_matches("velo_abc", "velo_abc"));
  EXPECT_FALSE(token_matches("velo_abc", "velo_abd"));
  EXPECT_FALSE(token_matches("velo_abc", "velo_ab"));
  EXPECT_FALSE(token_matches("velo_abc", "velo_abcd"));
  EXPECT_FALSE(token_matches("velo_abc", ""));
  EXPECT_FALSE(token_matches("", "")) << "no token configured lets nobody in";
}

class ServeTokenFileTest : public velo::testing::TempDirTest {};

TEST_F(ServeTokenFileTest, IsMadeOnceKeptPrivateAndRotated) {
  auto first = ensure_token(dir_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->starts_with("velo_"));
  EXPECT_GE(first->size(), 37u);
  struct stat info {};
  ASSERT_EQ(::stat(token_path(dir_).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto again = ensure_token(dir_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  auto rotated = rotate_token(dir_);
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(*rotated, *first);
  EXPECT_EQ(*ensure_token(dir_), *rotated);
}

TEST(ServeErrorTest, KindsBecomeStatuses) {
  EXPECT_EQ(http_status(ErrorKind::Invalid), 400);
  EXPECT_EQ(http_status(ErrorKind::NotFound), 404);
  EXPECT_EQ(http_status(ErrorKind::Conflict), 409);
  EXPECT_EQ(http_status(ErrorKind::Declined), 409);
  EXPECT_EQ(http_status(ErrorKind::Busy), 503);
  EXPECT_EQ(http_status(ErrorKind::Timeout), 503);
  EXPECT_EQ(http_status(ErrorKind::Unavailable), 503);
  EXPECT_EQ(http_status(ErrorKind::Interrupted), 503);
  EXPECT_EQ(http_status(ErrorKind::Io), 500);
  auto body = error_body(make_error(ErrorKind::NotFound, "no branch {}", "p/b"));
  EXPECT_EQ(body["error"]["kind"], "not_found");
  EXPECT_EQ(body["error"]["message"], "no branch p/b");
}

TEST(ServeEventsTest, FansOutFramesAndEndsOnClose) {
  EventHub hub(2);
  auto a = hub.subscribe();
  auto b = hub.subscribe();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(hub.subscribe(), nullptr) << "at most two streams";
  hub.publish("branch", {{"action", "created"}, {"text", "two\nlines"}});
  auto frame = a->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame, "event: branch\ndata: {\"action\":\"created\",\"text\":\"two\\nlines\"}\n\n");
  EXPECT_TRUE(b->next(std::chrono::milliseconds(0)));
  EXPECT_FALSE(a->next(std::chrono::milliseconds(1))) << "nothing more: a keepalive is due";
  hub.unsubscribe(b);
  EXPECT_EQ(hub.subscribers(), 1u);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    hub.close();
  });
  EXPECT_FALSE(a->next(std::chrono::seconds(10)));  // woken by close, not the timeout
  EXPECT_TRUE(a->closed());
  closer.join();
  EXPECT_EQ(hub.subscribe(), nullptr) << "a closed hub takes no new streams";
}

TEST(ServeEventsTest, ASlowClientLosesItsOldestEvents) {
  EventHub hub(1);
  auto slow = hub.subscribe();
  for (int i = 0; i < 1500; ++i) hub.publish("tick", {{"i", i}});
  auto first = slow->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(first);
  EXPECT_NE(first->find("\"i\":500"), std::string::npos) << *first;
}

TEST(ServeOperationsTest, ReportsFailureAndWaits) {
  EventHub hub(4);
  auto stream = hub.subscribe();
  int finished = 0;
  Operations operations(
      [](core::Reporter*) -> Result<std::unique_ptr<app::Environment>> {
        return make_error(ErrorKind::NotFound, "velo is not initialised in /nowhere");
      },
      [&] { ++finished; }, hub);
  auto started =
      operations.start("branch.create", "p/b", [](app::Environment&) -> Result<nlohmann::json> {
        return nlohmann::json{{"never", "reached"}};
      });
  EXPECT_EQ(started["status"], "running");
  EXPECT_EQ(started["kind"], "branch.create");
  auto done = operations.wait(started["id"], std::chrono::seconds(10));
  ASSERT_TRUE(done);
  EXPECT_EQ((*done)["status"], "failed");
  EXPECT_EQ((*done)["error"]["kind"], "not_found");
  EXPECT_TRUE((*done)["result"].is_null());
  EXPECT_FALSE((*done)["finished_at"].is_null());
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(operations.list().size(), 1u);
  EXPECT_FALSE(operations.get("999"));
  EXPECT_FALSE(operations.get("not-a-number"));
  // Its start and its end were published.
  auto first = stream->next(std::chrono::milliseconds(0));
  auto second = stream->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->find("\"status\":\"running\""), std::string::npos);
  EXPECT_NE(second->find("\"status\":\"failed\""), std::string::npos);
}

TEST(ServeReaperTest, ReapsAZombieOnlyOnItsSecondSighting) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Until it has exited, it is no zombie.
  for (int i = 0; i < 200; ++i) {
    siginfo_t info{};
    if (::waitid(P_PID, child, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ZombieReaper reaper;
  EXPECT_EQ(reaper.sweep(), 0) << "seen once: its waiter may be about to collect it";
  EXPECT_EQ(reaper.sweep(), 1);
  EXPECT_EQ(::waitpid(child, nullptr, WNOHANG), -1) << "already reaped";
}

}  // namespace
}  // namespace velo::server
