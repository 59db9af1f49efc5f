// One session with a PostgreSQL server, as core uses it: the statements
// velo issues, and the two helpers that need the server's settings. An
// interface so that unit tests script the server (tests/unit/support/
// fake_pg.h); the real one is pg::Connection, over libpq.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace velo::pg {

using Row = std::vector<std::string>;  // NULL reads as ""

// Statements sent at once, whose rows are read back one statement at a
// time, in the order sent. Destroying it before the last one reads and
// drops the rest, so that the session serves the next statement.
class Pipeline {
 public:
  Pipeline() = default;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  virtual ~Pipeline() = default;
  // The next statement's rows. After a failure, the statements after it
  // were not run and fail too.
  virtual Result<std::vector<Row>> next() = 0;
};

// Not thread-safe: one session serves one caller at a time.
class Session {
 public:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  virtual ~Session() = default;

  // Runs one statement with text parameters ($1, $2, ...).
  virtual Result<std::vector<Row>> query(const std::string& sql,
                                         const std::vector<std::string>& params = {}) = 0;
  virtual Status exec(const std::string& sql) = 0;

  // Sends every statement (no parameters) before reading any result, so
  // that the server runs them back to back while the caller handles the
  // rows of the earlier ones. This one runs each when its rows are asked
  // for; pg::Connection sends them in libpq's pipeline mode.
  virtual Result<std::unique_ptr<Pipeline>> pipeline(std::vector<std::string> statements);

  // `name` as a quoted SQL identifier (PQescapeIdentifier), for the DDL
  // that takes no parameters (CREATE ROLE "name").
  virtual Result<std::string> quote_identifier(const std::string& name) = 0;

  // The server's version as libpq reports it, e.g. 150004 (for SQL that
  // differs between majors).
  virtual int server_version() const = 0;
};

}  // namespace velo::pg
