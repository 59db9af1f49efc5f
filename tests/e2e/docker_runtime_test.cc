// The docker runtime against a real engine and real PostgreSQL: a cluster
// made by initdb in a container, served by a container on a fixed port,
// reached with a password, stopped, restarted and removed; and the errors
// a user meets (no image, port taken, server exiting at start).
#include "runtime/docker_runtime.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "pg/config_files.h"
#include "pg/connection.h"
#include "support/docker_engine.h"
#include "util/fs.h"

namespace velo::runtime {
namespace {

using Clock = std::chrono::steady_clock;

// A listening socket on 127.0.0.1; port() is free for others once closed.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) == 0 && ::listen(fd_, 1) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      port_ = ntohs(address.sin_port);
    }
  }
  ~Listener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int free_port() { return Listener().port(); }

class DockerRuntimeE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    VELO_REQUIRE_DOCKER(engine);
    client_ = std::make_unique<DockerClient>(engine->socket_path());
    char pattern[] = "/tmp/velo-docker-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    runtime_ = std::make_unique<DockerRuntime>(*client_, root_ + "/home");
    spec_.project = "e2e" + std::to_string(::getpid());
    spec_.branch = "main";
    spec_.data_dir = root_ + "/volume/data";
    spec_.pg_version = "15";
    spec_.image = engine->image();
    spec_.port = free_port();
  }

  void TearDown() override {
    if (runtime_) (void)runtime_->remove(spec_);
    if (!root_.empty()) (void)remove_tree(root_);
  }

  pg::ConnParams params(const std::string& password) const {
    pg::ConnParams params;
    params.host = runtime_->connect_host(spec_);
    params.port = spec_.port;
    params.user = "velo";
    params.password = password;
    return params;
  }

  // Polls the server until it answers; fails early when it has exited.
  Status wait_ready(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (pg::ping(params("")) == pg::PingStatus::Ok) return Status::Ok();
      VELO_TRY(runtime_->check_alive(spec_));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return make_error(ErrorKind::Timeout, "not ready:\n{}", runtime_->log_tail(spec_, 10));
  }

  bool has_container(const std::string& name) {
    auto managed = runtime_->list_managed();
    if (!managed.ok()) return false;
    for (const auto& container : *managed) {
      if (container.name == name) return true;
    }
    return false;
  }

  std::unique_ptr<DockerClient> client_;
  std::unique_ptr<DockerRuntime> runtime_;
  std::string root_;
  ClusterSpec spec_;
};

TEST_F(DockerRuntimeE2E, InitStartConnectStopRestartRemove) {
  const std::string password = "pw-" + std::to_string(::getpid()) + "-x'\"y";
  Status engine_ok = runtime_->check("");  // doctor: the engine answers
  ASSERT_TRUE(engine_ok.ok()) << engine_ok.error().message;
  const auto init_begin = Clock::now();
  Status init = runtime_->init_cluster(spec_, "velo", password);
  ASSERT_TRUE(init.ok()) << init.error().message;
  std::cerr
      << "[ timing ] initdb in a container: "
      << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - init_begin).count()
      << " ms\n";
  EXPECT_FALSE(path_exists(root_ + "/volume/.velo-initdb-pwfile"));
  EXPECT_FALSE(has_container(DockerRuntime::initdb_container_name(spec_)));
  EXPECT_EQ(*runtime_->state(spec_), ClusterState::Stopped);

  ASSERT_TRUE(pg::write_velo_conf(spec_.data_dir, runtime_->server_settings(spec_)).ok());
  ASSERT_TRUE(pg::ensure_velo_include(spec_.data_dir).ok());
  ASSERT_TRUE(pg::write_hba(spec_.data_dir).ok());
  ASSERT_TRUE(runtime_->adopt_data_dir(spec_).ok());

  const auto start_begin = Clock::now();
  Status started = runtime_->start(spec_);
  ASSERT_TRUE(started.ok()) << started.error().message;
  Status ready = wait_ready();
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  std::cerr
      << "[ timing ] container start to ready: "
      << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_begin).count()
      << " ms\n";
  EXPECT_EQ(*runtime_->state(spec_), ClusterState::Running);
  EXPECT_TRUE(has_container(DockerRuntime::container_name(spec_)));

  {
    auto connection = pg::Connection::open(params(password));
    ASSERT_TRUE(connection.ok()) << connection.error().message;
    auto rows = connection->query("SELECT 1");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ((*rows)[0][0], "1");
    auto settings =
        connection->query("SELECT current_setting('wal_recycle'), current_setting('cluster_name')");
    ASSERT_TRUE(settings.ok()) << settings.error().message;
    EXPECT_EQ((*settings)[0][0], "off");
    EXPECT_EQ((*settings)[0][1], "velo-" + spec_.project + "-main");
  }
  EXPECT_FALSE(pg::Connection::open(params("wrong")).ok());

  ASSERT_TRUE(runtime_->stop(spec_).ok());
  EXPECT_EQ(*runtime_->state(spec_), ClusterState::Stopped);
  EXPECT_NE(pg::ping(params("")), pg::PingStatus::Ok);
  ASSERT_TRUE(runtime_->stop(spec_).ok());  // stopping a stopped server is fine

  // Same port after a restart (the container is recreated).
  ASSERT_TRUE(runtime_->start(spec_).ok());
  ASSERT_TRUE(wait_ready().ok());
  EXPECT_TRUE(pg::Connection::open(params(password)).ok());
  EXPECT_NE(runtime_->log_tail(spec_, 5).find("database system is ready"), std::string::npos);

  ASSERT_TRUE(runtime_->remove(spec_).ok());
  EXPECT_FALSE(has_container(DockerRuntime::container_name(spec_)));
  EXPECT_EQ(*runtime_->state(spec_), ClusterState::Stopped);  // data stays
}

TEST_F(DockerRuntimeE2E, MissingImageIsAClearError) {
  spec_.image = "velo-test/no-such-image:1";
  Status init = runtime_->init_cluster(spec_, "velo", "pw");
  ASSERT_FALSE(init.ok());
  EXPECT_EQ(init.error().kind, ErrorKind::NotFound);
  EXPECT_NE(init.error().message.find("velo-test/no-such-image:1"), std::string::npos)
      << init.error().message;
  EXPECT_FALSE(path_exists(spec_.data_dir));
}

// A data directory that only looks like a cluster: enough for start() to
// try, and for the server to exit at once.
void fake_cluster(const std::string& data_dir) {
  ASSERT_TRUE(make_dirs(data_dir, 0700).ok());
  std::ofstream(data_dir + "/PG_VERSION") << "15\n";
}

TEST_F(DockerRuntimeE2E, PortTakenIsAClearErrorAndLeavesNothing) {
  fake_cluster(spec_.data_dir);
  ASSERT_TRUE(runtime_->adopt_data_dir(spec_).ok());
  Listener taken;
  spec_.port = taken.port();
  Status started = runtime_->start(spec_);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorKind::Conflict);
  EXPECT_NE(started.error().message.find(std::to_string(spec_.port)), std::string::npos)
      << started.error().message;
  EXPECT_FALSE(has_container(DockerRuntime::container_name(spec_)));
}

TEST_F(DockerRuntimeE2E, ServerExitingAtStartIsReportedWithItsLog) {
  fake_cluster(spec_.data_dir);
  ASSERT_TRUE(runtime_->adopt_data_dir(spec_).ok());
  ASSERT_TRUE(runtime_->start(spec_).ok());
  Status ready = wait_ready(std::chrono::seconds(30));
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.error().kind, ErrorKind::Io);
  EXPECT_NE(ready.error().message.find("exited"), std::string::npos) << ready.error().message;
  EXPECT_NE(ready.error().message.find("postgres"), std::string::npos) << ready.error().message;
}

// The archive_command a server in a container runs, run the way the
// server runs it (/bin/sh -c, %p and %f substituted, in PGDATA) inside the
// test image: it archives, accepts the same file again, refuses other
// bytes under an archived name without touching the archived file, and
// leaves no temporary file behind.
TEST_F(DockerRuntimeE2E, ArchiveCommandIsDurableAndNeverOverwrites) {
  VELO_REQUIRE_DOCKER(engine);
  const std::string pgdata = root_ + "/pgdata";
  const std::string archive = root_ + "/archive";
  ASSERT_TRUE(make_dirs(pgdata + "/pg_wal", 0700).ok());
  ASSERT_TRUE(make_dirs(archive, 0700).ok());
  const std::string segment = "000000010000000000000003";
  ASSERT_TRUE(
      write_file_atomic(pgdata + "/pg_wal/" + segment, std::string(1 << 20, 'a'), 0600).ok());

  std::string command = DockerRuntime::archive_command();
  for (auto [key, value] : {std::pair{"%p", "pg_wal/" + segment}, std::pair{"%f", segment}}) {
    for (size_t at; (at = command.find(key)) != std::string::npos;) command.replace(at, 2, value);
  }
  // The server runs it in its data directory.
  command = "cd /pgdata && " + command;
  auto run = [&]() -> int {
    ContainerConfig config;
    config.image = engine->image();
    config.entrypoint = {"/bin/sh", "-c", command};
    config.mounts = {{pgdata, "/pgdata", false}, {archive, DockerRuntime::kArchiveDir, false}};
    config.labels = {{"dev.velo.managed", "true"}, {"dev.velo.home", root_ + "/home"}};
    auto id = client_->create_container("", config);
    EXPECT_TRUE(id.ok()) << id.error().message;
    if (!id.ok()) return -1;
    Status started = client_->start_container(*id);
    auto code = started.ok() ? client_->wait_container(*id, 60) : Result<int>(started.error());
    (void)client_->remove_container(*id);
    EXPECT_TRUE(code.ok()) << code.error().message;
    return code.ok() ? *code : -1;
  };

  EXPECT_EQ(run(), 0);
  auto archived = read_file(archive + "/" + segment);
  ASSERT_TRUE(archived.ok());
  EXPECT_EQ(*archived, std::string(1 << 20, 'a'));
  EXPECT_EQ(run(), 0) << "the same file archived again is success";

  ASSERT_TRUE(
      write_file_atomic(pgdata + "/pg_wal/" + segment, std::string(1 << 20, 'b'), 0600).ok());
  EXPECT_NE(run(), 0) << "other bytes under an archived name must fail";
  archived = read_file(archive + "/" + segment);
  ASSERT_TRUE(archived.ok());
  EXPECT_EQ(*archived, std::string(1 << 20, 'a')) << "the archived file was overwritten";

  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(archive))
    names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{segment}) << "temporary files left in the archive";
}

}  // namespace
}  // namespace velo::runtime
