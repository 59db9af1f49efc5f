// The API's routes over cpp-httplib: a handler gets the request, an
// environment of its own and the JSON body, and returns a reply or an
// error; the router turns both into JSON responses with the right status,
// so no handler writes HTTP by hand.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/environment.h"
#include "core/names.h"
#include "server/branch_cache.h"
#include "server/event_hub.h"
#include "server/operations.h"
#include "state/records.h"

namespace velo::server {

struct Call {
  const httplib::Request& request;
  app::Environment* environment;  // null for routes that read the branch cache only
  const nlohmann::json& body;     // an object; {} when the request had none
  app::Environment& env() const { return *environment; }
  // The route pattern's capture `i` (1-based).
  std::string capture(size_t i) const { return request.matches[static_cast<int>(i)].str(); }
  // ?name=value, if given.
  std::optional<std::string> query(const std::string& name) const;
};

struct Reply {
  int status = 200;
  nlohmann::json body;
  std::string text = {};  // the body as JSON text already, instead of `body`
};

using Handler = std::function<Result<Reply>(const Call&)>;

// What the handlers share: the home, the operations running and the
// event hub.
struct ServerParts {
  std::string home;
  EventHub& events;
  Operations& operations;
  BranchCache& branches;
  std::string storage;  // the driver's name, for /status
  // A fresh environment, progress going to `reporter` (nowhere if null).
  Result<std::unique_ptr<app::Environment>> open(core::Reporter* reporter = nullptr) const;
};

class Router {
 public:
  Router(httplib::Server& server, const ServerParts& parts) : server_(server), parts_(parts) {}
  // `pattern` is under /api/v1 and a regular expression ("/branches/([^/]+)").
  void get(const std::string& pattern, Handler handler);
  // A read that needs no environment (the branch cache, operations).
  void get_light(const std::string& pattern, Handler handler);
  void post(const std::string& pattern, Handler handler);
  void del(const std::string& pattern, Handler handler);
  const ServerParts& parts() const { return parts_; }
  httplib::Server& http() { return server_; }

 private:
  enum class Kind { Read, LightRead, Change };
  httplib::Server::Handler wrap(Handler handler, Kind kind) const;
  httplib::Server& server_;
  const ServerParts& parts_;
};

// Writes `body` as the JSON response, with no caching.
void send_json(httplib::Response& response, int status, const nlohmann::json& body);
// The same for a body that is JSON text already.
void send_json_text(httplib::Response& response, int status, const std::string& text);

// Body fields, checked: a missing optional field is nullopt; a field of
// the wrong type is Invalid, naming it.
Status only_fields(const nlohmann::json& body, const std::vector<std::string>& known);
Result<std::optional<std::string>> text_field(const nlohmann::json& body, const std::string& key);
Result<bool> flag_field(const nlohmann::json& body, const std::string& key, bool fallback);
Result<std::optional<int64_t>> integer_field(const nlohmann::json& body, const std::string& key);
// A retention window's duration ("24h", core::parse_retention_duration)
// in seconds, or `fallback` when absent.
Result<int64_t> duration_field(const nlohmann::json& body, const std::string& key,
                               int64_t fallback);
// A size cap ("20G" or "none", core::parse_max_size); nullopt when absent.
Result<std::optional<std::optional<uint64_t>>> max_size_field(const nlohmann::json& body,
                                                              const std::string& key);
// Server settings ({"shared_buffers": "64MB"}, core::parse_settings);
// empty when absent.
Result<state::ServerSettings> settings_field(const nlohmann::json& body, const std::string& key);

// P/B from the route's first two captures.
Result<core::BranchName> branch_from_path(const Call& call);
// ?force=true|false (absent: false).
Result<bool> query_flag(const Call& call, const std::string& name);

// Each api_*.cc adds its routes.
void add_project_routes(Router& router);
void add_branch_routes(Router& router);
void add_history_routes(Router& router);
void add_merge_routes(Router& router);
void add_system_routes(Router& router);

}  // namespace velo::server
