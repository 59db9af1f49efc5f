// One session per database of a server, opened on first use: a plan's
// statements each name the database they run in.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "pg/client.h"
#include "pg/conn_params.h"
#include "pg/session.h"

namespace velo::core {

class DatabaseSessions {
 public:
  DatabaseSessions(pg::Client& client, pg::ConnParams params)
      : client_(client), params_(std::move(params)) {}

  // The session to `database`; "" (CREATE/DROP DATABASE) is postgres.
  Result<pg::Session*> get(const std::string& database);
  // The databases with an open session, in name order.
  std::map<std::string, std::unique_ptr<pg::Session>>& open() { return sessions_; }
  // Closes the session (before its database is dropped).
  void close(const std::string& database) { sessions_.erase(database); }

 private:
  pg::Client& client_;
  pg::ConnParams params_;
  std::map<std::string, std::unique_ptr<pg::Session>> sessions_;
};

// Elapsed milliseconds between two points of the clock.
double elapsed_ms(std::chrono::steady_clock::time_point from,
                  std::chrono::steady_clock::time_point to);

}  // namespace velo::core
