// How a user reaches a branch: its address, a database (the project's
// default unless one is named) and a role (the superuser unless one is
// named). velo knows the superuser's password only: for another role the
// password is left out, never invented.
#pragma once

#include <string>

#include "core/cluster.h"
#include "pg/conn_params.h"
#include "util/result.h"

namespace velo::core {

struct ConnectionRequest {
  std::string database;  // "" for the project's default
  std::string role;      // "" for the project's superuser
};

// Invalid for an empty name, one longer than PostgreSQL's 63 bytes, or one
// holding control characters; `what` is "database" or "role".
Status validate_identifier(const std::string& what, const std::string& name);

// How a client logs in to the branch as the superuser: over TCP with the
// branch's password, where conn_params (velo's own way in) may take the
// admin socket. Where velo knows no password (a following import), it is
// conn_params.
pg::ConnParams login_params(const BranchHandle& handle);

// The branch's user-facing connection: login_params(handle) with the
// requested database and role; password "" for a role other than the
// superuser. REQUIRES: the request's names passed validate_identifier.
pg::ConnParams user_connection(const BranchHandle& handle, const ConnectionRequest& request = {});

// Whether `params` carries the password velo knows (false for another role).
inline bool has_password(const pg::ConnParams& params) { return !params.password.empty(); }

// The database a server import names by default: the one the source URL
// named (velo connected to it, so it exists in the copy), else postgres.
std::string imported_default_database(const std::string& source_dbname);

}  // namespace velo::core
