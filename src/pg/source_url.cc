#include "pg/source_url.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <memory>
#include <regex>

#include "util/os_user.h"

namespace velo::pg {
namespace {

struct OptionsDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

std::string redact_url(const std::string& text) {
  // scheme://user:SECRET@ -> scheme://user:***@, then password=SECRET in
  // a query parameter, or a conninfo's password=..., quoted or not.
  // libpq takes the userinfo up to an '@' before any '/': a password may
  // hold '?', '#' or spaces, so only a '/' ends it here (the last '@'
  // before it: a longer match redacts more, never less). A query value
  // runs to the next '&': libpq keeps its spaces and '#'.
  static const std::regex userinfo(R"(([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^/]*@)");
  static const std::regex query(R"(([?&]password=)[^&]*)", std::regex::icase);
  static const std::regex keyword(R"((\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'&]+))",
                                  std::regex::icase);
  std::string out = std::regex_replace(text, userinfo, "$1:***@");
  out = std::regex_replace(out, query, "$1***");
  return std::regex_replace(out, keyword, "$1***");
}

Result<SourceUrl> parse_source_url(const std::string& url) {
  if (!starts_with(url, "postgres://") && !starts_with(url, "postgresql://")) {
    // Not echoed: a URL of another scheme may hold a password anywhere.
    return make_error(ErrorKind::Invalid,
                      "--from expects a URL postgres://USER@HOST:PORT/DB (or postgresql://)");
  }
  char* message = nullptr;
  std::unique_ptr<PQconninfoOption, OptionsDeleter> parsed(PQconninfoParse(url.c_str(), &message));
  if (!parsed) {
    std::string why = message ? message : "out of memory";
    if (message) PQfreemem(message);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return make_error(ErrorKind::Invalid, "invalid source URL {}: {}", redact_url(url),
                      redact_url(why));
  }
  SourceUrl source;
  ConnParams& params = source.params;
  params.passfile = "";
  params.host = "";
  params.user = "";
  params.dbname = "";
  std::string port;
  for (PQconninfoOption* option = parsed.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') continue;
    std::string key = option->keyword, value = option->val;
    if (key == "host" || key == "hostaddr") {
      if (key == "host" || params.host.empty()) params.host = value;
    } else if (key == "port") {
      port = value;
    } else if (key == "user") {
      params.user = value;
    } else if (key == "password") {
      params.password = value;
      source.password_in_url = true;
    } else if (key == "dbname") {
      params.dbname = value;
    } else if (key == "passfile") {
      params.passfile = value;
    } else if (key == "connect_timeout") {
      if (value.size() > 6 || value.find_first_not_of("0123456789") != std::string::npos) {
        return make_error(ErrorKind::Invalid, "invalid connect_timeout '{}' in the source URL {}",
                          value, redact_url(url));
      }
      params.connect_timeout_s = std::atoi(value.c_str());
    } else {
      params.options.emplace_back(key, value);
    }
  }
  if (params.host.empty()) {
    return make_error(ErrorKind::Invalid, "the source URL {} names no host", redact_url(url));
  }
  if (port.empty()) port = "5432";
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return make_error(ErrorKind::Invalid, "invalid port '{}' in the source URL {}", port,
                      redact_url(url));
  }
  params.port = std::stoi(port);
  if (params.user.empty()) params.user = current_user().name;
  if (params.dbname.empty()) params.dbname = params.user;
  if (params.connect_timeout_s <= 0) params.connect_timeout_s = 10;
  return source;
}

std::string quote_conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string conninfo_without_password(const ConnParams& params, const std::string& passfile,
                                      const std::string& application_name) {
  std::string out = "host=" + quote_conninfo_value(params.host) +
                    " port=" + std::to_string(params.port) +
                    " user=" + quote_conninfo_value(params.user) +
                    " dbname=" + quote_conninfo_value(params.dbname);
  for (const auto& [key, value] : params.options) {
    if (key == "application_name") continue;
    out += " " + key + "=" + quote_conninfo_value(value);
  }
  if (!passfile.empty()) out += " passfile=" + quote_conninfo_value(passfile);
  if (!application_name.empty()) {
    out += " application_name=" + quote_conninfo_value(application_name);
  }
  return out;
}

}  // namespace velo::pg
