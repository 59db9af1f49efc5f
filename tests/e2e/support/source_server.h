// A PostgreSQL server for import tests to copy from: a fresh cluster in a
// temporary directory (a copy of one initdb kept in /var/tmp across runs),
// run by OS user postgres, on a free port of its own,
// with a scram-sha-256 password for its superuser "postgres", replication
// connections allowed from 127.0.0.1 and wal_level=replica. Stopped and
// removed by the destructor, also when the test failed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pg/connection.h"
#include "util/exec.h"
#include "util/result.h"

namespace velo::e2e {

class SourceServer {
 public:
  static constexpr const char* kPassword = "source-Secret-1";

  // Why no SourceServer can run here ("" when one can).
  static std::string unavailable_reason(const std::string& version = "15");
  static Result<std::unique_ptr<SourceServer>> start(const std::string& version = "15");
  ~SourceServer();
  SourceServer(const SourceServer&) = delete;
  SourceServer& operator=(const SourceServer&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& version() const { return version_; }
  // postgres://USER[:PASSWORD]@127.0.0.1:PORT/DB
  std::string url(const std::string& user = "postgres", const std::string& password = kPassword,
                  const std::string& db = "postgres") const;
  pg::ConnParams params(const std::string& db = "postgres") const;

  Result<std::vector<pg::Row>> sql(const std::string& statement,
                                   const std::string& db = "postgres");
  // One value, "" (and a gtest failure) on error.
  std::string value(const std::string& statement, const std::string& db = "postgres");
  // pgbench -i -s SCALE into `db`.
  Status pgbench_init(int scale, const std::string& db = "postgres");
  // Runs a client program of the server's version (pg_dump, ...) with the
  // superuser's credentials in its environment.
  Result<ExecResult> run_client(const std::string& program, std::vector<std::string> args);
  Status stop();

 private:
  SourceServer() = default;
  std::string version_;
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
  RealProcessRunner runner_;
};

}  // namespace velo::e2e
