// The fixture of the tests/e2e/import_*_test.cc suites: a CliTest (fresh
// pool, velo home, ports) plus a source server to import from.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/source_server.h"
#include "support/velo_cli.h"

namespace velo::e2e {

class ImportTest : public CliTest {
 protected:
  void SetUp() override {
    std::string reason = SourceServer::unavailable_reason();
    if (!reason.empty()) GTEST_SKIP() << reason;
    CliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto source = SourceServer::start();
    ASSERT_TRUE(source.ok()) << "cannot start a source server: " << source.error().message;
    source_ = std::move(*source);
  }
  void TearDown() override {
    CliTest::TearDown();
    source_.reset();
  }

  SourceServer& source() { return *source_; }

  // A project's main over TCP as the source's superuser with the source's
  // password: an imported cluster has the source's roles, and a following
  // main has no password of velo's.
  pg::ConnParams main_params(const std::string& project, const std::string& db = "postgres") {
    pg::ConnParams params = source_->params(db);
    nlohmann::json main = show(project + "/main");
    params.port = main.value("port", 0);
    return params;
  }
  std::string main_value(const std::string& project, const std::string& statement,
                         const std::string& db = "postgres") {
    auto conn = pg::Connection::open(main_params(project, db));
    if (!conn.ok()) {
      ADD_FAILURE() << conn.error().message;
      return "";
    }
    auto rows = conn->query(statement);
    if (!rows.ok() || rows->size() != 1) {
      ADD_FAILURE() << statement << ": " << (rows.ok() ? "not one row" : rows.error().message);
      return "";
    }
    return rows->at(0).at(0);
  }
  // Polls until `statement` on PROJECT/main returns `expected` (bounded).
  bool wait_main_value(const std::string& project, const std::string& statement,
                       const std::string& expected, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto conn = pg::Connection::open(main_params(project));
      if (conn.ok()) {
        auto rows = conn->query(statement);
        if (rows.ok() && rows->size() == 1 && rows->at(0).at(0) == expected) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  std::unique_ptr<SourceServer> source_;
};

}  // namespace velo::e2e
