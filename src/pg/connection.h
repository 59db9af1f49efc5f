// libpq, wrapped: a RAII connection, ping, and the few statements velo
// issues.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pg/conn_params.h"
#include "util/result.h"

struct pg_conn;

namespace velo::pg {

enum class PingStatus { Ok, Rejecting, NoResponse, NoAttempt };
// PQpingParams: no authentication needed.
PingStatus ping(const ConnParams& params);

using Row = std::vector<std::string>;  // NULL reads as ""

class Connection {
 public:
  static Result<Connection> open(const ConnParams& params);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs one statement with text parameters ($1, $2, ...).
  Result<std::vector<Row>> query(const std::string& sql,
                                 const std::vector<std::string>& params = {});
  Status exec(const std::string& sql);

  // Client-side SCRAM verifier (PQencryptPasswordConn), as psql's \password
  // makes it, so that the clear password never travels in SQL text nor
  // reaches the server's log.
  Result<std::string> encrypt_password(const std::string& user, const std::string& password);

  // `name` as a quoted SQL identifier (PQescapeIdentifier), for the DDL
  // that takes no parameters (CREATE ROLE "name").
  Result<std::string> quote_identifier(const std::string& name);

  // The server's version as libpq reports it, e.g. 150004 (for SQL that
  // differs between majors).
  int server_version() const;

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_ = nullptr;
};

}  // namespace velo::pg
