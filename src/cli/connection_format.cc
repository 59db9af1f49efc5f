#include "cli/connection_format.h"

#include <fmt/format.h>

#include "app/reports.h"

namespace velo::cli {

Result<ConnFormat> parse_conn_format(const std::string& text) {
  if (text == "url") return ConnFormat::Url;
  if (text == "env") return ConnFormat::Env;
  if (text == "pgpass") return ConnFormat::Pgpass;
  if (text == "json") return ConnFormat::Json;
  return make_error(ErrorKind::Invalid, "unknown format '{}': use url, env, pgpass or json", text);
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string env_lines(const pg::ConnParams& params) {
  std::string out;
  auto line = [&out](const char* name, const std::string& value) {
    out += fmt::format("export {}={}\n", name, shell_quote(value));
  };
  line("PGHOST", params.host);
  line("PGPORT", std::to_string(params.port));
  line("PGDATABASE", params.dbname);
  line("PGUSER", params.user);
  if (params.password.empty())
    out += "unset PGPASSWORD\n";
  else
    line("PGPASSWORD", params.password);
  return out;
}

std::string pgpass_escape(const std::string& field) {
  std::string out;
  for (char c : field) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Result<std::string> pgpass_line(const pg::ConnParams& params) {
  if (params.password.empty()) {
    return make_error(ErrorKind::Invalid,
                      "no password to write: velo knows the superuser's only (drop --role "
                      "and --no-password for a .pgpass line)");
  }
  return fmt::format("{}:{}:{}:{}:{}\n", pgpass_escape(params.host), params.port,
                     pgpass_escape(params.dbname), pgpass_escape(params.user),
                     pgpass_escape(params.password));
}

Result<std::string> format_connection(ConnFormat format, const pg::ConnParams& params) {
  switch (format) {
    case ConnFormat::Url:
      return pg::to_url(params, true) + "\n";
    case ConnFormat::Env:
      return env_lines(params);
    case ConnFormat::Pgpass:
      return pgpass_line(params);
    case ConnFormat::Json:
      return app::connection_json(params).dump(2) + "\n";
  }
  return make_error(ErrorKind::Invalid, "unknown format");
}

}  // namespace velo::cli
