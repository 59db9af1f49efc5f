// Who may use the API: whoever presents the home's token, as a bearer
// token (scripts) or in the HttpOnly cookie the console gets by logging
// in once. The console's static files and the OpenAPI document need none.
#pragma once

#include <httplib.h>

#include <mutex>
#include <optional>
#include <string>

namespace velo::server {

inline constexpr const char* kTokenCookie = "velo_token";

// The token in HOME/api-token, read again when the file changes (velo
// token rotate), so a rotated token stops working without a restart.
class TokenGuard {
 public:
  explicit TokenGuard(std::string home) : home_(std::move(home)) {}
  bool accepts(const std::string& given);

 private:
  std::string home_;
  std::mutex mutex_;
  std::string token_;
  int64_t stamp_ = -1;  // the file's mtime in ns when token_ was read
};

// The token a request presents: "Authorization: Bearer T", else the cookie.
std::optional<std::string> presented_token(const httplib::Request& request);
// "bearer 127.0.0.1 curl/7.88.1": how and from where, for the audit log.
std::string actor_of(const httplib::Request& request);

// Refuses every /api/v1 request without the token (401), except login
// and the OpenAPI document; adds POST /api/v1/login and /logout.
void install_auth(httplib::Server& server, TokenGuard& guard, bool tls);

}  // namespace velo::server
