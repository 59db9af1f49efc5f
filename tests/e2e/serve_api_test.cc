// velo serve over a real socket, against a real home on a btrfs loop pool
// with real PostgreSQL servers: every route, auth refused without or with a
// wrong token, error statuses and bodies, bad input that changes nothing,
// operations, the audit log, and an event stream that sees what the CLI
// does.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "support/velo_cli.h"
#include "util/exec.h"

namespace velo::e2e {
namespace {

using nlohmann::json;

struct Answer {
  int status = 0;
  json body;
  httplib::Headers headers;
};

class ServeApiTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    create_project("shop");
    // The last port of the test's range: branches take the lowest free.
    port_ = port_max();
    log_ = velo().home() + "/serve.log";
    auto pid = spawn_detached(Command{{VELO_BINARY, "--home", velo().home(), "serve", "--listen",
                                       "127.0.0.1:" + std::to_string(port_)}},
                              log_);
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    pid_ = *pid;
    token_ = trim(ok({"token", "show"}).out);
    for (int i = 0; i < 100; ++i) {
      if (get("/api/v1/openapi.json", "").status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "velo serve did not answer; its log:\n" << log_text();
  }

  void TearDown() override {
    stop_server();
    CliTest::TearDown();
  }

  void stop_server() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 600 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pid_ = 0;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "velo serve did not stop cleanly on SIGTERM; its log:\n"
        << log_text();
  }

  static std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  std::string log_text() {
    std::string text;
    if (FILE* f = std::fopen(log_.c_str(), "r")) {
      char buffer[4096];
      size_t n = 0;
      while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
      std::fclose(f);
    }
    return text;
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(std::chrono::seconds(120));
    return c;
  }

  httplib::Headers auth(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
  }

  static Answer answer(const httplib::Result& r) {
    Answer a;
    if (!r) return a;
    a.status = r->status;
    a.headers = r->headers;
    a.body = r->body.empty() ? json() : json::parse(r->body, nullptr, false);
    return a;
  }

  Answer get(const std::string& path) { return get(path, token_); }
  Answer get(const std::string& path, const std::string& token) {
    auto c = client();
    return answer(c.Get(path, auth(token)));
  }
  Answer post(const std::string& path, const std::string& body = "") {
    return post_raw(path, body, token_);
  }
  Answer post_raw(const std::string& path, const std::string& body, const std::string& token) {
    auto c = client();
    return answer(c.Post(path, auth(token), body, "application/json"));
  }
  Answer del(const std::string& path) {
    auto c = client();
    return answer(c.Delete(path, auth(token_)));
  }

  // POSTs work that answers 202 with an operation, and waits for its end.
  json run_operation(const std::string& path, const std::string& body) {
    Answer started = post(path, body);
    EXPECT_EQ(started.status, 202) << path << ": " << started.body.dump();
    if (started.status != 202) return json();
    const std::string id = started.body["id"];
    for (int i = 0; i < 10; ++i) {
      Answer now = get("/api/v1/operations/" + id + "?wait=30");
      EXPECT_EQ(now.status, 200);
      if (now.body["status"] != "running") return now.body;
    }
    ADD_FAILURE() << "operation " << id << " did not finish";
    return json();
  }

  // Asserts the API's error shape: the status and {"error": {kind, message}}.
  static void expect_error(const Answer& a, int status, const std::string& kind) {
    EXPECT_EQ(a.status, status) << a.body.dump();
    ASSERT_TRUE(a.body.is_object()) << "no JSON body";
    ASSERT_TRUE(a.body.contains("error")) << a.body.dump();
    EXPECT_EQ(a.body["error"]["kind"], kind) << a.body.dump();
    EXPECT_FALSE(a.body["error"]["message"].get<std::string>().empty());
  }

  int port_ = 0;
  pid_t pid_ = 0;
  std::string log_;
  std::string token_;
};

TEST_P(ServeApiTest, RefusesWithoutTheTokenAndAnswersWithIt) {
  expect_error(get("/api/v1/branches", ""), 401, "unauthorized");
  expect_error(get("/api/v1/branches", token_ + "x"), 401, "unauthorized");
  expect_error(get("/api/v1/branches", "velo_wrong"), 401, "unauthorized");
  // The first list, right after the start, already holds main.
  Answer first = get("/api/v1/branches");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body.size(), 1u) << first.body.dump();

  // The OpenAPI document needs no token and names the routes.
  Answer doc = get("/api/v1/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* path : {"/branches", "/branches/{project}/{branch}", "/events", "/audit",
                           "/merges/{id}/revert", "/operations/{id}"}) {
    EXPECT_TRUE(doc.body["paths"].contains(path)) << path;
  }

  // Login sets an HttpOnly, SameSite=Strict cookie that then authenticates.
  expect_error(post_raw("/api/v1/login", R"({"token":"nope"})", ""), 401, "unauthorized");
  Answer login = post_raw("/api/v1/login", json{{"token", token_}}.dump(), "");
  ASSERT_EQ(login.status, 204);
  std::string cookie;
  for (const auto& [name, value] : login.headers) {
    if (name == "Set-Cookie") cookie = value;
  }
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  auto c = client();
  auto with_cookie = c.Get("/api/v1/projects", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_TRUE(with_cookie);
  EXPECT_EQ(with_cookie->status, 200);

  // A rotated token: the old one stops working at once, the new one works.
  std::string old_token = token_;
  token_ = trim(ok({"token", "rotate"}).out);
  ASSERT_NE(token_, old_token);
  expect_error(get("/api/v1/branches", old_token), 401, "unauthorized");
  EXPECT_EQ(get("/api/v1/branches").status, 200);
  // The token file is the user's alone.
  struct stat info {};
  ASSERT_EQ(::stat((velo().home() + "/api-token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_P(ServeApiTest, BadInputGetsAJsonErrorAndChangesNothing) {
  const json before = observable();
  expect_error(post("/api/v1/branches", "{not json"), 400, "invalid");
  expect_error(post("/api/v1/branches", "[1,2]"), 400, "invalid");
  expect_error(post("/api/v1/branches", R"({"name": 5})"), 400, "invalid");
  expect_error(post("/api/v1/branches", R"({"name": "shop/x", "start": "yes"})"), 400, "invalid");
  expect_error(post("/api/v1/branches", R"({"name": "shop/x", "colour": "red"})"), 400, "invalid");
  expect_error(post("/api/v1/branches", R"({"name": "shop/../../etc"})"), 400, "invalid");
  expect_error(post("/api/v1/branches", R"({"name": "nope/x"})"), 404, "not_found");
  expect_error(post("/api/v1/branches", R"({"name": "shop/main"})"), 409, "conflict");
  expect_error(post("/api/v1/branches", R"({"name": "shop/x", "at": "t", "lsn": "0/1"})"), 400,
               "invalid");
  expect_error(post("/api/v1/branches", R"({"name": "shop/x", "settings": {"port": "1"}})"), 400,
               "invalid");
  expect_error(post("/api/v1/branches", R"({"name": "shop/x", "settings": {"work_mem": 8}})"), 400,
               "invalid");
  expect_error(post("/api/v1/branches", std::string(2 << 20, 'a')), 413, "too_large");
  expect_error(get("/api/v1/branches/shop/..%2F..%2Fetc"), 404, "not_found");
  expect_error(get("/api/v1/branches/shop/NoSuch"), 400, "invalid");
  expect_error(get("/api/v1/branches/shop/nosuch"), 404, "not_found");
  expect_error(get("/api/v1/nothing/here"), 404, "not_found");
  expect_error(get("/api/v1/branches?project=nope"), 404, "not_found");
  expect_error(del("/api/v1/branches/shop/main"), 400, "invalid");
  expect_error(post("/api/v1/branches/shop/main/merge", R"({"lock_timeout_ms": -1})"), 400,
               "invalid");
  expect_error(get("/api/v1/operations/12345"), 404, "not_found");
  expect_error(get("/api/v1/operations/1?wait=999"), 400, "invalid");
  expect_error(post("/api/v1/merges/999/revert", "{}"), 404, "not_found");
  expect_error(post("/api/v1/projects", R"({"name": "Bad Name"})"), 400, "invalid");
  expect_error(post("/api/v1/projects", R"({"name": "shop"})"), 409, "conflict");
  EXPECT_EQ(observable(), before);
  // Still up, and every refused change is in the audit log.
  EXPECT_EQ(get("/api/v1/status").status, 200);
  // The audit row is written once the answer is out: on a loaded machine
  // the last ones may land a little after the answers that follow.
  int posts = 0;
  Answer audit;
  for (int attempt = 0; attempt < 100 && posts < 12; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    audit = get("/api/v1/audit?limit=100");
    ASSERT_EQ(audit.status, 200);
    posts = 0;
    for (const auto& entry : audit.body) {
      if (entry["method"] == "POST" && entry["path"] == "/api/v1/branches") ++posts;
    }
  }
  for (const auto& entry : audit.body) {
    EXPECT_NE(entry["actor"].get<std::string>().find("bearer 127.0.0.1"), std::string::npos);
  }
  EXPECT_EQ(posts, 12);
}

TEST_P(ServeApiTest, BranchesFromCreateToDelete) {
  json created =
      run_operation("/api/v1/branches", R"({"name": "shop/dev", "settings": {"work_mem": "8MB"}})");
  ASSERT_EQ(created["status"], "succeeded") << created.dump();
  EXPECT_EQ(sql_value("shop/dev", "SHOW work_mem"), "8MB");
  EXPECT_EQ(created["result"]["name"], "shop/dev");
  EXPECT_EQ(created["result"]["status"], "running");

  // The list shows it at once (the cache is refreshed after a change).
  Answer list = get("/api/v1/branches?project=shop");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.size(), 2u) << list.body.dump();
  EXPECT_EQ(list.body[0]["name"], "shop/dev");

  // Only the connection route holds the password, and it connects.
  Answer connection = get("/api/v1/branches/shop/dev/connection");
  ASSERT_EQ(connection.status, 200);
  const std::string password = connection.body["password"];
  ASSERT_FALSE(password.empty());
  EXPECT_EQ(created.dump().find(password), std::string::npos) << "an operation holds no password";
  for (const char* path : {"/api/v1/branches", "/api/v1/status", "/api/v1/projects/shop",
                           "/api/v1/branches/shop/dev", "/api/v1/operations"}) {
    EXPECT_EQ(get(path).body.dump().find(password), std::string::npos) << path;
  }
  EXPECT_EQ(sql_value("shop/dev", "SELECT 1"), "1");

  Answer rotated = post("/api/v1/branches/shop/dev/password");
  ASSERT_EQ(rotated.status, 200) << rotated.body.dump();
  EXPECT_NE(rotated.body["connection"]["password"], password);

  EXPECT_EQ(post("/api/v1/branches/shop/dev/stop").body["result"], "stopped");
  EXPECT_EQ(get("/api/v1/branches/shop/dev").body["status"], "stopped");
  EXPECT_EQ(post("/api/v1/branches/shop/dev/start").body["result"], "started");
  EXPECT_EQ(post("/api/v1/branches/shop/dev/restart").body["result"], "restarted");
  Answer detail = get("/api/v1/branches/shop/dev");
  EXPECT_EQ(detail.body["status"], "running");
  EXPECT_FALSE(detail.body["data_dir"].get<std::string>().empty());

  Answer snapshot = post("/api/v1/branches/shop/dev/snapshots", R"({"label": "before"})");
  ASSERT_EQ(snapshot.status, 201) << snapshot.body.dump();
  EXPECT_EQ(snapshot.body["label"], "before");
  Answer snapshots = get("/api/v1/branches/shop/dev/snapshots");
  ASSERT_EQ(snapshots.status, 200);
  EXPECT_EQ(snapshots.body.size(), 1u) << snapshots.body.dump();
  Answer wal = get("/api/v1/branches/shop/main/wal");
  ASSERT_EQ(wal.status, 200);
  EXPECT_EQ(wal.body["archiving"], true);
  EXPECT_EQ(
      del("/api/v1/snapshots/" + std::to_string(snapshot.body["id"].get<int64_t>())).body["result"],
      "deleted");

  ASSERT_TRUE(sql("shop/dev", "CREATE TABLE only_here (x int)").ok());
  json reset = run_operation("/api/v1/branches/shop/dev/reset", "");
  ASSERT_EQ(reset["status"], "succeeded") << reset.dump();
  EXPECT_EQ(sql_value("shop/dev", "SELECT count(*) FROM pg_class WHERE relname = 'only_here'"),
            "0");

  // A point in time that cannot be parsed fails the operation as bad input.
  json bad_time = run_operation("/api/v1/branches", R"({"name": "shop/then", "at": "teatime"})");
  EXPECT_EQ(bad_time["status"], "failed");
  EXPECT_EQ(bad_time["error"]["kind"], "invalid") << bad_time.dump();

  Answer deleted = del("/api/v1/branches/shop/dev");
  ASSERT_EQ(deleted.status, 200) << deleted.body.dump();
  EXPECT_EQ(get("/api/v1/branches?project=shop").body.size(), 1u);

  Answer projects = get("/api/v1/projects");
  ASSERT_EQ(projects.status, 200);
  EXPECT_EQ(projects.body[0]["name"], "shop");
  Answer doctor = get("/api/v1/doctor");
  ASSERT_EQ(doctor.status, 200);
  EXPECT_TRUE(doctor.body.is_array() && !doctor.body.empty());
  Answer audit = get("/api/v1/audit");
  std::vector<std::string> seen;
  for (const auto& entry : audit.body)
    seen.push_back(entry["method"].get<std::string>() + " " + entry["path"].get<std::string>());
  for (const char* expected :
       {"DELETE /api/v1/branches/shop/dev", "POST /api/v1/branches/shop/dev/reset",
        "POST /api/v1/branches/shop/dev/password", "POST /api/v1/branches"}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), expected), seen.end()) << expected;
  }
}

TEST_P(ServeApiTest, EventStreamSeesWhatTheCliDoes) {
  std::mutex mutex;
  std::string received;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    auto c = client();
    c.Get("/api/v1/events", auth(token_), [&](const char* data, size_t length) {
      std::lock_guard lock(mutex);
      received.append(data, length);
      return !done.load();
    });
  });
  auto has = [&](const std::string& text) {
    std::lock_guard lock(mutex);
    return received.find(text) != std::string::npos;
  };
  auto wait_for = [&](const std::string& text) {
    for (int i = 0; i < 200 && !has(text); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return has(text);
  };
  EXPECT_TRUE(wait_for("event: hello"));
  create_branch("shop/from-cli");
  EXPECT_TRUE(wait_for(R"("action":"created")")) << received;
  EXPECT_TRUE(wait_for(R"("name":"shop/from-cli")")) << received;
  // An operation's start and end are events too.
  json made = run_operation("/api/v1/branches", R"({"name": "shop/from-api"})");
  EXPECT_EQ(made["status"], "succeeded");
  EXPECT_TRUE(wait_for(R"("kind":"branch.create")"));
  EXPECT_TRUE(wait_for(R"("status":"succeeded")"));
  ok({"branch", "delete", "shop/from-cli"});
  EXPECT_TRUE(wait_for(R"("action":"deleted")")) << received;
  const std::string password = get("/api/v1/branches/shop/from-api/connection").body["password"];
  EXPECT_FALSE(has(password)) << "no password in events";
  done = true;
  // The stream ends when the next event or keepalive finds done set; the
  // server's shutdown ends it too.
  ok({"branch", "stop", "shop/from-api"});
  reader.join();
}

TEST_P(ServeApiTest, DiffMergeAndRevert) {
  create_branch("shop/feature");
  ASSERT_TRUE(sql("shop/feature", "CREATE TABLE orders (id int PRIMARY KEY, note text)").ok());

  json diff = run_operation("/api/v1/branches/shop/feature/diff", "{}");
  ASSERT_EQ(diff["status"], "succeeded") << diff.dump();
  ASSERT_FALSE(diff["result"]["changes"].empty()) << diff.dump();
  EXPECT_NE(diff["result"].dump().find("orders"), std::string::npos);
  EXPECT_FALSE(diff["result"]["plan"].empty());

  json dry = run_operation("/api/v1/branches/shop/feature/merge", R"({"dry_run": true})");
  ASSERT_EQ(dry["status"], "succeeded") << dry.dump();
  EXPECT_EQ(dry["result"]["dry_run"], true);
  EXPECT_FALSE(dry["result"]["rehearsal"]["statements"].empty());
  EXPECT_EQ(sql_value("shop/main", "SELECT count(*) FROM pg_class WHERE relname = 'orders'"), "0");

  json merged = run_operation("/api/v1/branches/shop/feature/merge", "{}");
  ASSERT_EQ(merged["status"], "succeeded") << merged.dump();
  EXPECT_EQ(sql_value("shop/main", "SELECT count(*) FROM pg_class WHERE relname = 'orders'"), "1");
  const int64_t id = merged["result"]["id"];

  Answer merges = get("/api/v1/merges?project=shop");
  ASSERT_EQ(merges.status, 200);
  ASSERT_EQ(merges.body.size(), 1u);
  Answer one = get("/api/v1/merges/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(one.body["plan"].empty());

  // Dropping the merged table loses data: refused unless allowed.
  const std::string revert = "/api/v1/merges/" + std::to_string(id) + "/revert";
  json refused = run_operation(revert, "{}");
  EXPECT_EQ(refused["status"], "failed");
  EXPECT_EQ(refused["error"]["kind"], "invalid") << refused.dump();
  EXPECT_EQ(sql_value("shop/main", "SELECT count(*) FROM pg_class WHERE relname = 'orders'"), "1");
  json reverted = run_operation(revert, R"({"allow_hazards": true})");
  ASSERT_EQ(reverted["status"], "succeeded") << reverted.dump();
  EXPECT_EQ(sql_value("shop/main", "SELECT count(*) FROM pg_class WHERE relname = 'orders'"), "0");
}

VELO_CLI_INSTANTIATE_ON(ServeApiTest, "btrfs");

}  // namespace
}  // namespace velo::e2e
