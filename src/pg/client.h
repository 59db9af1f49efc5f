// How core reaches PostgreSQL: sessions and pings, behind an interface so
// that unit tests run every operation against a scripted server. The real
// client is pg::LibpqClient (pg/connection.h), made where the CLI builds
// its Context.
#pragma once

#include <memory>

#include "pg/conn_params.h"
#include "pg/session.h"
#include "util/result.h"

namespace velo::pg {

enum class PingStatus { Ok, Rejecting, NoResponse, NoAttempt };

class Client {
 public:
  virtual ~Client() = default;
  // Io when the server cannot be reached or refuses the login; the
  // message names the server (without the password) and libpq's reason.
  virtual Result<std::unique_ptr<Session>> connect(const ConnParams& params) = 0;
  // Whether the server accepts connections, without logging in.
  virtual PingStatus ping(const ConnParams& params) = 0;
  // Client-side SCRAM verifier (PQencryptPasswordConn), as psql's \password
  // makes it, so that the clear password never travels in SQL text nor
  // reaches the server's log. Needs no server: it can be made while one
  // starts.
  virtual Result<std::string> encrypt_password(const std::string& user,
                                               const std::string& password) = 0;
};

}  // namespace velo::pg
