// libpq, wrapped: a RAII connection that is core's pg::Session, ping, and
// pg::LibpqClient, the real pg::Client.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pg/client.h"
#include "pg/conn_params.h"
#include "pg/session.h"
#include "util/result.h"

struct pg_conn;

namespace velo::pg {

// PQpingParams: no authentication needed.
PingStatus ping(const ConnParams& params);

class Connection : public Session {
 public:
  static Result<Connection> open(const ConnParams& params);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection() override;

  Result<std::vector<Row>> query(const std::string& sql,
                                 const std::vector<std::string>& params = {}) override;
  Status exec(const std::string& sql) override;
  Result<std::unique_ptr<Pipeline>> pipeline(std::vector<std::string> statements) override;
  Result<std::string> quote_identifier(const std::string& name) override;
  int server_version() const override;

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_ = nullptr;
};

// Sessions are Connections; pings are pg::ping. Stateless.
class LibpqClient : public Client {
 public:
  Result<std::unique_ptr<Session>> connect(const ConnParams& params) override;
  PingStatus ping(const ConnParams& params) override;
  Result<std::string> encrypt_password(const std::string& user,
                                       const std::string& password) override;
};

}  // namespace velo::pg
