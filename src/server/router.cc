#include "server/router.h"

#include "core/branch/max_size.h"
#include "core/branch/server_settings.h"
#include "core/history/retention.h"
#include "server/http_error.h"

namespace velo::server {
namespace {

const char* kApiPrefix = "/api/v1";

// A JSON object, or an empty one for no body at all.
Result<nlohmann::json> parse_body(const httplib::Request& request) {
  if (request.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return make_error(ErrorKind::Invalid, "the body is not valid JSON");
  if (!body.is_object()) return make_error(ErrorKind::Invalid, "the body must be a JSON object");
  return body;
}

Error wrong_type(const std::string& key, const char* expected) {
  return make_error(ErrorKind::Invalid, "field \"{}\" must be {}", key, expected);
}

}  // namespace

std::optional<std::string> Call::query(const std::string& name) const {
  if (!request.has_param(name.c_str())) return std::nullopt;
  return request.get_param_value(name.c_str());
}

Result<std::unique_ptr<app::Environment>> ServerParts::open(core::Reporter* reporter) const {
  static core::SilentReporter silent;
  return app::Environment::open({home, false, reporter ? reporter : &silent});
}

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  // Replace invalid UTF-8 (a catalog's bytes) instead of throwing.
  send_json_text(response, status,
                 body.is_null() && status == 204
                     ? std::string()
                     : body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void send_json_text(httplib::Response& response, int status, const std::string& text) {
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(text, "application/json");
}

httplib::Server::Handler Router::wrap(Handler handler, Kind kind) const {
  return [this, handler = std::move(handler), kind](const httplib::Request& request,
                                                    httplib::Response& response) {
    Result<Reply> reply = [&]() -> Result<Reply> {
      VELO_ASSIGN_OR_RETURN(auto body, parse_body(request));
      std::unique_ptr<app::Environment> env;
      if (kind != Kind::LightRead) {
        VELO_ASSIGN_OR_RETURN(env, parts_.open());
      }
      try {
        return handler(Call{request, env.get(), body});
      } catch (const nlohmann::json::exception& e) {
        // A field of an unexpected type that a handler read directly.
        return make_error(ErrorKind::Invalid, "bad request body: {}", e.what());
      }
    }();
    // Even a refused change may have done part of its work and undone it.
    if (kind == Kind::Change) parts_.branches.invalidate();
    if (reply.ok() && !reply->text.empty()) {
      send_json_text(response, reply->status, reply->text);
    } else if (reply.ok()) {
      send_json(response, reply->status, reply->body);
    } else {
      send_json(response, http_status(reply.error().kind), error_body(reply.error()));
    }
  };
}

void Router::get(const std::string& pattern, Handler handler) {
  server_.Get(kApiPrefix + pattern, wrap(std::move(handler), Kind::Read));
}

void Router::get_light(const std::string& pattern, Handler handler) {
  server_.Get(kApiPrefix + pattern, wrap(std::move(handler), Kind::LightRead));
}

void Router::post(const std::string& pattern, Handler handler) {
  server_.Post(kApiPrefix + pattern, wrap(std::move(handler), Kind::Change));
}

void Router::del(const std::string& pattern, Handler handler) {
  server_.Delete(kApiPrefix + pattern, wrap(std::move(handler), Kind::Change));
}

Status only_fields(const nlohmann::json& body, const std::vector<std::string>& known) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return make_error(ErrorKind::Invalid, "unknown field \"{}\"", core::printable(key));
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> text_field(const nlohmann::json& body, const std::string& key) {
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) return std::optional<std::string>();
  if (!found->is_string()) return wrong_type(key, "a string");
  return std::optional<std::string>(found->get<std::string>());
}

Result<bool> flag_field(const nlohmann::json& body, const std::string& key, bool fallback) {
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) return fallback;
  if (!found->is_boolean()) return wrong_type(key, "true or false");
  return found->get<bool>();
}

Result<std::optional<int64_t>> integer_field(const nlohmann::json& body, const std::string& key) {
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) return std::optional<int64_t>();
  if (!found->is_number_integer()) return wrong_type(key, "an integer");
  return std::optional<int64_t>(found->get<int64_t>());
}

Result<int64_t> duration_field(const nlohmann::json& body, const std::string& key,
                               int64_t fallback) {
  VELO_ASSIGN_OR_RETURN(auto text, text_field(body, key));
  if (!text) return fallback;
  VELO_ASSIGN_OR_RETURN(auto span, core::parse_retention_duration(key, *text));
  return int64_t{span.count()};
}

Result<std::optional<std::optional<uint64_t>>> max_size_field(const nlohmann::json& body,
                                                              const std::string& key) {
  using Cap = std::optional<std::optional<uint64_t>>;
  VELO_ASSIGN_OR_RETURN(auto text, text_field(body, key));
  if (!text) return Cap();
  VELO_ASSIGN_OR_RETURN(auto cap, core::parse_max_size(*text));
  return Cap(cap);
}

Result<state::ServerSettings> settings_field(const nlohmann::json& body, const std::string& key) {
  if (!body.contains(key) || body[key].is_null()) return state::ServerSettings{};
  const nlohmann::json& value = body[key];
  auto wrong = [&] {
    return make_error(ErrorKind::Invalid, "field \"{}\" must be an object of strings", key);
  };
  if (!value.is_object()) return wrong();
  std::vector<std::string> pairs;
  for (const auto& [name, setting] : value.items()) {
    if (!setting.is_string()) return wrong();
    pairs.push_back(name + "=" + setting.get<std::string>());
  }
  return core::parse_settings(pairs, "field \"" + key + "\":", false);
}

Result<core::BranchName> branch_from_path(const Call& call) {
  return core::parse_branch_name(call.capture(1) + "/" + call.capture(2));
}

Result<bool> query_flag(const Call& call, const std::string& name) {
  auto value = call.query(name);
  if (!value || *value == "false" || *value == "0") return false;
  if (*value == "true" || *value == "1" || value->empty()) return true;
  return make_error(ErrorKind::Invalid, "?{}= takes true or false, not {}", name,
                    core::printable(*value));
}

}  // namespace velo::server
