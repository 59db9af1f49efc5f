// The native runtime against a real PostgreSQL 15: initdb, configure,
// start, connect with the password, stop. Needs root (servers run as the
// postgres OS user) and Debian's postgresql-15 package.
#include "runtime/native_runtime.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "pg/config_files.h"
#include "pg/connection.h"
#include "support/free_port.h"
#include "util/exec.h"
#include "util/fs.h"

namespace velo::runtime {
namespace {

constexpr char kVersion[] = "15";
constexpr char kPassword[] = "pa ss'w\"ord:@/x";

class NativeRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: servers run as the postgres OS user";
    if (::access("/usr/lib/postgresql/15/bin/postgres", X_OK) != 0) {
      GTEST_SKIP() << "needs PostgreSQL 15 (apt-get install postgresql-15)";
    }
    auto user = lookup_user("postgres");
    if (!user.ok()) GTEST_SKIP() << "needs the postgres OS user";
    char dir_template[] = "/tmp/velo-native-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    // The postgres user must be able to reach the data directory below.
    ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
    runtime_ = std::make_unique<NativeRuntime>(runner_, *user);
    spec_.project = "e2e";
    spec_.branch = "main";
    spec_.data_dir = dir_ + "/volume/data";
    spec_.pg_version = kVersion;
    spec_.port = e2e::free_port();
    spec_.log_path = dir_ + "/logs/server.log";
    ASSERT_NE(spec_.port, 0);
  }

  void TearDown() override {
    if (runtime_) {
      Status stopped = runtime_->stop(spec_);
      EXPECT_TRUE(stopped.ok()) << stopped.error().message;
    }
    if (!dir_.empty()) {
      EXPECT_TRUE(remove_tree(dir_).ok());
    }
  }

  Status wait_ready(const pg::ConnParams& params) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (pg::ping(params) != pg::PingStatus::Ok) {
      VELO_TRY(runtime_->check_alive(spec_));
      if (std::chrono::steady_clock::now() > deadline) {
        return make_error(ErrorKind::Timeout, "not ready: {}", runtime_->log_tail(spec_, 10));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Status::Ok();
  }

  RealProcessRunner runner_;
  std::unique_ptr<NativeRuntime> runtime_;
  ClusterSpec spec_;
  std::string dir_;
};

TEST_F(NativeRuntimeTest, InitStartConnectStop) {
  ASSERT_TRUE(runtime_->check(kVersion).ok());
  auto state = runtime_->state(spec_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, ClusterState::Missing);

  Status init = runtime_->init_cluster(spec_, "velo_admin", kPassword);
  ASSERT_TRUE(init.ok()) << init.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(spec_.data_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_NE(st.st_uid, 0u);

  ASSERT_TRUE(pg::write_velo_conf(spec_.data_dir, runtime_->server_settings(spec_)).ok());
  ASSERT_TRUE(pg::ensure_velo_include(spec_.data_dir).ok());
  ASSERT_TRUE(pg::write_hba(spec_.data_dir).ok());
  ASSERT_TRUE(runtime_->adopt_data_dir(spec_).ok());
  state = runtime_->state(spec_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, ClusterState::Stopped);

  Status started = runtime_->start(spec_);
  ASSERT_TRUE(started.ok()) << started.error().message;
  pg::ConnParams params;
  params.host = runtime_->connect_host(spec_);
  params.port = spec_.port;
  params.user = "velo_admin";
  params.password = kPassword;
  Status ready = wait_ready(params);
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  state = runtime_->state(spec_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, ClusterState::Running);

  auto conn = pg::Connection::open(params);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  auto rows =
      conn->query("SELECT 1, current_setting('cluster_name'), current_setting('wal_recycle')");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0], (pg::Row{"1", "e2e/main", "off"}));
  // Made without a server, salted afresh each time.
  pg::LibpqClient client;
  auto verifier = client.encrypt_password("velo_admin", "other");
  ASSERT_TRUE(verifier.ok()) << verifier.error().message;
  EXPECT_EQ(verifier->rfind("SCRAM-SHA-256$4096:", 0), 0u);
  EXPECT_NE(*verifier, *client.encrypt_password("velo_admin", "other"));

  // A pipeline's rows come back in order; after a failed statement the
  // rest fail too, and leaving early still leaves the session usable.
  {
    auto pipeline = conn->pipeline({"SELECT 1", "SELECT 1/0", "SELECT 3", "SELECT 4"});
    ASSERT_TRUE(pipeline.ok()) << pipeline.error().message;
    auto first = (*pipeline)->next();
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(*first, (std::vector<pg::Row>{{"1"}}));
    auto failed = (*pipeline)->next();
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("division by zero"), std::string::npos);
    auto skipped = (*pipeline)->next();
    ASSERT_FALSE(skipped.ok());
    EXPECT_NE(skipped.error().message.find("not run"), std::string::npos);
  }
  auto after = conn->query("SELECT 'after'");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(*after, (std::vector<pg::Row>{{"after"}}));

  // A wrong password is refused: TCP connections need scram-sha-256.
  pg::ConnParams wrong = params;
  wrong.password = "wrong";
  EXPECT_FALSE(pg::Connection::open(wrong).ok());

  Status stopped = runtime_->stop(spec_);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  state = runtime_->state(spec_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, ClusterState::Stopped);
  EXPECT_TRUE(runtime_->stop(spec_).ok());  // stopping a stopped server is Ok
  EXPECT_NE(pg::ping(params), pg::PingStatus::Ok);
}

TEST_F(NativeRuntimeTest, CheckAliveReportsAServerThatExited) {
  Status init = runtime_->init_cluster(spec_, "velo_admin", kPassword);
  ASSERT_TRUE(init.ok()) << init.error().message;
  // A setting postgres rejects makes it exit at once.
  ASSERT_TRUE(pg::write_velo_conf(spec_.data_dir, {{"port", "not-a-port"}}).ok());
  ASSERT_TRUE(pg::ensure_velo_include(spec_.data_dir).ok());
  ASSERT_TRUE(runtime_->start(spec_).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Status alive;
  while ((alive = runtime_->check_alive(spec_)).ok() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(alive.ok());
  EXPECT_EQ(alive.error().kind, ErrorKind::Io);
  EXPECT_NE(alive.error().message.find("port"), std::string::npos) << alive.error().message;
}

TEST_F(NativeRuntimeTest, CheckRejectsMissingVersion) {
  Status status = runtime_->check("99");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
}

}  // namespace
}  // namespace velo::runtime
