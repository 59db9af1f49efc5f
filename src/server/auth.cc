#include "server/auth.h"

#include <sys/stat.h>

#include "server/api_token.h"
#include "server/http_error.h"
#include "server/router.h"

namespace velo::server {
namespace {

std::optional<std::string> cookie_value(const std::string& header, const std::string& name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.erase(0, 1);
    if (pair.starts_with(name + "=")) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return std::nullopt;
}

bool is_public(const httplib::Request& request) {
  if (!request.path.starts_with("/api/")) return true;  // the console's files
  return request.path == "/api/v1/openapi.json" ||
         (request.method == "POST" && request.path == "/api/v1/login");
}

void unauthorized(httplib::Response& response, const std::string& message) {
  response.set_header("WWW-Authenticate", "Bearer realm=\"velo\"");
  send_json(response, 401, error_body("unauthorized", message));
}

std::string cookie(const std::string& value, bool tls, bool clear) {
  return std::string(kTokenCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
         (tls ? "; Secure" : "") + (clear ? "; Max-Age=0" : "");
}

}  // namespace

bool TokenGuard::accepts(const std::string& given) {
  std::lock_guard lock(mutex_);
  struct stat info {};
  const std::string path = token_path(home_);
  if (::stat(path.c_str(), &info) != 0) return false;  // no token: nobody gets in
  const int64_t stamp = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec;
  if (stamp != stamp_) {
    auto token = read_token(home_);
    if (!token.ok()) return false;
    token_ = *token;
    stamp_ = stamp;
  }
  return token_matches(token_, given);
}

std::optional<std::string> presented_token(const httplib::Request& request) {
  const std::string authorization = request.get_header_value("Authorization");
  if (authorization.starts_with("Bearer ")) return authorization.substr(7);
  if (request.has_header("Cookie")) {
    return cookie_value(request.get_header_value("Cookie"), kTokenCookie);
  }
  return std::nullopt;
}

std::string actor_of(const httplib::Request& request) {
  const char* how = request.get_header_value("Authorization").starts_with("Bearer ") ? "bearer"
                    : request.has_header("Cookie")                                   ? "cookie"
                                                                                     : "none";
  std::string agent = core::printable(request.get_header_value("User-Agent"));
  if (agent.size() > 80) agent.resize(80);
  return std::string(how) + " " + request.remote_addr + (agent.empty() ? "" : " " + agent);
}

void install_auth(httplib::Server& server, TokenGuard& guard, bool tls) {
  server.set_pre_routing_handler([&guard](const httplib::Request& request,
                                          httplib::Response& response) {
    if (is_public(request)) return httplib::Server::HandlerResponse::Unhandled;
    auto token = presented_token(request);
    if (!token) {
      unauthorized(response, "a token is required: Authorization: Bearer TOKEN (velo token show)");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!guard.accepts(*token)) {
      unauthorized(response, "the token is not valid (velo token show prints the current one)");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Post(
      "/api/v1/login", [&guard, tls](const httplib::Request& request, httplib::Response& response) {
        auto body = nlohmann::json::parse(request.body, nullptr, false);
        if (body.is_discarded() || !body.is_object() || !body.contains("token") ||
            !body["token"].is_string()) {
          send_json(response, 400, error_body("invalid", "the body must be {\"token\": \"...\"}"));
          return;
        }
        const std::string token = body["token"].get<std::string>();
        if (!guard.accepts(token)) {
          unauthorized(response, "the token is not valid");
          return;
        }
        response.set_header("Set-Cookie", cookie(token, tls, false));
        send_json(response, 204, nullptr);
      });
  server.Post("/api/v1/logout", [tls](const httplib::Request&, httplib::Response& response) {
    response.set_header("Set-Cookie", cookie("", tls, true));
    send_json(response, 204, nullptr);
  });
}

}  // namespace velo::server
