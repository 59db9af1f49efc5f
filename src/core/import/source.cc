#include "core/import/source.h"

#include "pg/source_url.h"

namespace velo::core {
namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

std::string major_of(int version_num) {
  if (version_num >= 100000) return std::to_string(version_num / 10000);
  return std::to_string(version_num / 10000) + "." + std::to_string(version_num / 100 % 100);
}

Status check_source_version(int version_num, const std::string& project_version) {
  std::string major = major_of(version_num);
  if (major == project_version) return Status::Ok();
  return make_error(ErrorKind::Invalid,
                    "source is PostgreSQL {}, this project uses {}: a physical copy needs the "
                    "same major version (use --pg-version {}, or --from-dump)",
                    major, project_version, major);
}

Status check_replication_privilege(const std::string& role, bool superuser, bool replication) {
  if (superuser || replication) return Status::Ok();
  return make_error(ErrorKind::Invalid,
                    "role {} on the source may not stream a base backup: it needs the "
                    "REPLICATION attribute (ALTER ROLE {} REPLICATION) or superuser",
                    role, role);
}

Error classify_connect_error(const pg::ConnParams& params, const std::string& message) {
  std::string where = pg::redact_url(pg::to_url(params, false));
  // libpq's messages run over lines ("\n\tIs the server running ..."): one.
  std::string why;
  for (char c : pg::redact_url(message)) {
    if (c != '\n' && c != '\t') {
      why += c;
    } else if (!why.empty() && why.back() != ' ') {
      why += ' ';
    }
  }
  while (!why.empty() && why.back() == ' ') why.pop_back();
  if (contains(why, "password authentication failed") || contains(why, "no password supplied") ||
      contains(why, "authentication failed") || contains(why, "does not exist") ||
      contains(why, "no pg_hba.conf entry")) {
    return make_error(ErrorKind::Invalid, "the source {} refused the login: {}", where, why);
  }
  // libpq checks the values of URL parameters (sslmode=bogus) only when
  // it connects: a bad URL, not an unreachable server.
  if (contains(why, "invalid ") && (contains(why, " value") || contains(why, "number"))) {
    return make_error(ErrorKind::Invalid, "the source URL {} has a bad parameter: {}", where, why);
  }
  return make_error(ErrorKind::Unavailable, "cannot reach the source {}: {}", where, why);
}

Result<std::unique_ptr<pg::Session>> connect_source(pg::Client& client,
                                                    const pg::ConnParams& params) {
  auto conn = client.connect(params);
  if (!conn.ok()) {
    // Client::connect says "cannot connect to URL: why"; keep the why.
    const std::string& message = conn.error().message;
    auto colon = message.find(": ");
    return classify_connect_error(params,
                                  colon == std::string::npos ? message : message.substr(colon + 2));
  }
  return conn;
}

Result<SourceInfo> probe_source(pg::Client& client, const pg::ConnParams& params,
                                const std::string& project_version) {
  VELO_ASSIGN_OR_RETURN(auto conn, connect_source(client, params));
  SourceInfo info;
  info.version_num = conn->server_version();
  info.major = major_of(info.version_num);
  VELO_TRY(check_source_version(info.version_num, project_version));
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      conn->query(
          "SELECT current_user, r.rolsuper, r.rolreplication, "
          "(SELECT rolname FROM pg_roles WHERE oid = 10), "
          "(SELECT count(*) FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')) "
          "FROM pg_roles r WHERE r.rolname = current_user"));
  if (rows.empty()) return make_error(ErrorKind::Io, "the source did not describe its own role");
  const pg::Row& row = rows.at(0);
  VELO_TRY(check_replication_privilege(row.at(0), row.at(1) == "t", row.at(2) == "t"));
  info.bootstrap_superuser = row.at(3);
  if (row.at(4) != "0") {
    return make_error(ErrorKind::Invalid,
                      "the source has {} tablespace(s) outside its data directory: velo imports "
                      "only clusters whose data lives in the data directory",
                      row.at(4));
  }
  // Databases the role may not connect to make this fail: then the total
  // is unknown and progress shows bytes and rate only.
  auto sizes =
      conn->query("SELECT sum(pg_database_size(oid))::bigint FROM pg_database WHERE datallowconn");
  if (sizes.ok() && !sizes->empty() && !sizes->at(0).at(0).empty()) {
    info.total_bytes = std::stoull(sizes->at(0).at(0));
  }
  return info;
}

}  // namespace velo::core
