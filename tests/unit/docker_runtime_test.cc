// DockerRuntime against a scripted engine: the HTTP exchanges it makes
// and what it does with the answers. No Docker needed.
#include "runtime/docker_runtime.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace velo::runtime {
namespace {

// Answers by the first route whose "METHOD path-prefix" matches.
class FakeEngine : public DockerClient {
 public:
  FakeEngine() : DockerClient("/nonexistent.sock") {}
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  void on(const std::string& method, const std::string& prefix, Handler handler) {
    routes_.push_back({method, prefix, std::move(handler)});
  }
  void on(const std::string& method, const std::string& prefix, long status, std::string body) {
    on(method, prefix, [=](const HttpRequest&) { return HttpResponse{status, body}; });
  }
  std::vector<HttpRequest> requests;

 protected:
  Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    for (const Route& route : routes_) {
      if (route.method == request.method && request.path.rfind(route.prefix, 0) == 0) {
        return route.handler(request);
      }
    }
    return HttpResponse{404, R"({"message":"no such thing"})"};
  }

 private:
  struct Route {
    std::string method, prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
};

constexpr const char* kHome = "/home/dev/.velo";

class DockerRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/velo-docker-unit-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    spec_.project = "api";
    spec_.branch = "dev";
    spec_.pg_version = "15";
    spec_.data_dir = root_ + "/data";
    spec_.port = 6123;
    std::filesystem::create_directories(spec_.data_dir);
    std::ofstream(spec_.data_dir + "/PG_VERSION") << "15\n";
    engine_.on("GET", "/images/postgres:15/json", 200, "{}");
    // The `id postgres` probe.
    engine_.on("POST", "/containers/create?name=", 201, R"({"Id":"server"})");
    engine_.on("POST", "/containers/create", 201, R"({"Id":"probe"})");
    engine_.on("POST", "/containers/probe/start", 204, "");
    engine_.on("DELETE", "/containers/probe", 204, "");
    engine_.on("POST", "/containers/probe/wait", 200, R"({"StatusCode":0})");
    engine_.on("GET", "/containers/probe/logs", 200, "uid=999(postgres) gid=999(postgres)\n");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  bool requested(const std::string& method, const std::string& prefix) const {
    for (const HttpRequest& request : engine_.requests) {
      if (request.method == method && request.path.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }

  std::string root_;
  ClusterSpec spec_;
  FakeEngine engine_;
};

TEST_F(DockerRuntimeTest, NamesAndImages) {
  EXPECT_EQ(DockerRuntime::container_name(spec_), "velo-api-dev");
  EXPECT_EQ(DockerRuntime::image_for(spec_), "postgres:15");
  spec_.image = "velo-test/postgres:15";
  EXPECT_EQ(DockerRuntime::image_for(spec_), "velo-test/postgres:15");
}

TEST_F(DockerRuntimeTest, StateReadsDataAndContainer) {
  DockerRuntime runtime(engine_, kHome);
  EXPECT_EQ(*runtime.state(spec_), ClusterState::Stopped);  // no container
  engine_.on(
      "GET", "/containers/velo-api-dev/json", 200,
      R"({"State":{"Running":true},"Config":{"Labels":{"dev.velo.managed":"true","dev.velo.home":"/home/dev/.velo","dev.velo.project":"api","dev.velo.branch":"dev"}}})");
  EXPECT_EQ(*runtime.state(spec_), ClusterState::Running);
  std::filesystem::remove(spec_.data_dir + "/PG_VERSION");
  EXPECT_EQ(*runtime.state(spec_), ClusterState::Missing);
}

TEST_F(DockerRuntimeTest, StartPublishesTheFixedPortAsThePostgresUser) {
  DockerRuntime runtime(engine_, kHome);
  engine_.on("POST", "/containers/server/start", 204, "");
  ASSERT_TRUE(runtime.start(spec_).ok());
  const HttpRequest* create = nullptr;
  for (const HttpRequest& request : engine_.requests) {
    if (request.path == "/containers/create?name=velo-api-dev") create = &request;
  }
  ASSERT_NE(create, nullptr);
  auto body = nlohmann::json::parse(create->body);
  EXPECT_EQ(body["User"], "999:999");
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["5432/tcp"][0]["HostPort"], "6123");
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["5432/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(body["Labels"]["dev.velo.managed"], "true");
  EXPECT_EQ(body["Labels"]["dev.velo.home"], kHome);
  EXPECT_EQ(body["HostConfig"]["Mounts"][0]["Source"], spec_.data_dir);
}

// A data directory made by the image's initdb (and its clones) is owned by
// the image's postgres user already: the server runs as that owner, with
// no probe container on the way.
TEST_F(DockerRuntimeTest, StartRunsAsTheDataDirectorysOwnerWithoutAProbe) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  ASSERT_EQ(::chown(spec_.data_dir.c_str(), 1234, 1235), 0);
  DockerRuntime runtime(engine_, kHome);
  engine_.on("POST", "/containers/server/start", 204, "");
  ASSERT_TRUE(runtime.start(spec_).ok());
  EXPECT_FALSE(requested("POST", "/containers/probe/start"));
  for (const HttpRequest& request : engine_.requests) {
    if (request.path == "/containers/create?name=velo-api-dev") {
      EXPECT_EQ(nlohmann::json::parse(request.body)["User"], "1234:1235");
    }
  }
}

TEST_F(DockerRuntimeTest, PortTakenRemovesTheContainer) {
  DockerRuntime runtime(engine_, kHome);
  engine_.on(
      "POST", "/containers/server/start", 500,
      R"({"message":"driver failed programming external connectivity: listen tcp4 127.0.0.1:6123: bind: address already in use"})");
  engine_.on("DELETE", "/containers/server", 204, "");
  Status status = runtime.start(spec_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Conflict);
  EXPECT_NE(status.error().message.find("port 6123"), std::string::npos);
  EXPECT_TRUE(requested("DELETE", "/containers/server"));
}

TEST_F(DockerRuntimeTest, RefusesToReplaceSomeoneElsesContainer) {
  DockerRuntime runtime(engine_, kHome);
  engine_.on("GET", "/containers/velo-api-dev/json", 200,
             R"({"State":{"Running":false},"Config":{"Labels":{}}})");
  Status status = runtime.start(spec_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Conflict);
  EXPECT_FALSE(requested("DELETE", "/containers/velo-api-dev"));
}

// Two velo homes on one engine: the same project and branch names give the
// same container name; the other home's running server is left alone, and
// the message names that home.
TEST_F(DockerRuntimeTest, LeavesAnotherHomesContainerAlone) {
  DockerRuntime runtime(engine_, kHome);
  engine_.on(
      "GET", "/containers/velo-api-dev/json", 200,
      R"({"State":{"Running":true},"Config":{"Labels":{"dev.velo.managed":"true","dev.velo.home":"/srv/other/.velo","dev.velo.project":"api","dev.velo.branch":"dev"}}})");
  EXPECT_EQ(*runtime.state(spec_), ClusterState::Stopped);
  ASSERT_TRUE(runtime.stop(spec_).ok());
  EXPECT_FALSE(requested("POST", "/containers/velo-api-dev/stop"));
  Status status = runtime.start(spec_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Conflict);
  EXPECT_NE(status.error().message.find("/srv/other/.velo"), std::string::npos)
      << status.error().message;
  EXPECT_FALSE(requested("DELETE", "/containers/velo-api-dev"));
}

TEST_F(DockerRuntimeTest, MissingImageIsNotFoundAndNamesTheImage) {
  DockerRuntime runtime(engine_, kHome);
  spec_.image = "nope/postgres:99";
  Status status = runtime.start(spec_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::NotFound);
  EXPECT_NE(status.error().message.find("nope/postgres:99"), std::string::npos);
}

TEST_F(DockerRuntimeTest, CheckAliveQuotesTheLogOfAnExitedServer) {
  DockerRuntime runtime(engine_, kHome);
  engine_.on("GET", "/containers/velo-api-dev/json", 200,
             R"({"State":{"Running":false,"ExitCode":1},"Config":{"Labels":{}}})");
  engine_.on("GET", "/containers/velo-api-dev/logs", 200,
             std::string("\x02\0\0\0\0\0\0\x16", 8) + "FATAL:  bad setting x\n");
  Status status = runtime.check_alive(spec_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Io);
  EXPECT_NE(status.error().message.find("FATAL:  bad setting x"), std::string::npos);
}

TEST_F(DockerRuntimeTest, SettingsListenInsideTheContainer) {
  DockerRuntime runtime(engine_, kHome);
  spec_.archive_dir = root_ + "/archive";
  pg::Settings settings = runtime.server_settings(spec_);
  auto value = [&](const std::string& key) {
    for (const auto& [k, v] : settings) {
      if (k == key) return v;
    }
    return std::string("<unset>");
  };
  EXPECT_EQ(value("port"), "5432");
  EXPECT_EQ(value("listen_addresses"), "*");
  EXPECT_EQ(value("wal_recycle"), "off");
  EXPECT_EQ(value("wal_init_zero"), "off");
  EXPECT_NE(value("archive_command").find(DockerRuntime::kArchiveDir), std::string::npos);
  EXPECT_EQ(runtime.connect_host(spec_), "127.0.0.1");
}

}  // namespace
}  // namespace velo::runtime
