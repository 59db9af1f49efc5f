#include "core/branch/connection.h"

#include <algorithm>

namespace velo::core {

Status validate_identifier(const std::string& what, const std::string& name) {
  if (name.empty()) return make_error(ErrorKind::Invalid, "empty {} name", what);
  // NAMEDATALEN - 1: PostgreSQL would truncate a longer name silently.
  if (name.size() > 63) {
    return make_error(ErrorKind::Invalid, "{} name too long ({} bytes, at most 63)", what,
                      name.size());
  }
  bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control) return make_error(ErrorKind::Invalid, "invalid {} name: control characters", what);
  return Status::Ok();
}

pg::ConnParams login_params(const BranchHandle& handle) {
  if (handle.branch.password.empty()) return conn_params(handle);
  pg::ConnParams params;
  params.host = handle.runtime->connect_host(handle.spec);
  params.port = handle.spec.port;
  params.user = handle.project.superuser;
  params.password = handle.branch.password;
  return params;
}

pg::ConnParams user_connection(const BranchHandle& handle, const ConnectionRequest& request) {
  pg::ConnParams params = login_params(handle);
  params.dbname = request.database.empty() ? handle.project.database : request.database;
  if (params.dbname.empty()) params.dbname = "postgres";
  if (!request.role.empty() && request.role != params.user) {
    params.user = request.role;
    params.password.clear();  // only the superuser's is velo's to give
  }
  // The user's own ~/.pgpass or PGPASSFILE may hold what velo does not.
  params.passfile.clear();
  return params;
}

std::string imported_default_database(const std::string& source_dbname) {
  return source_dbname.empty() ? std::string("postgres") : source_dbname;
}

}  // namespace velo::core
