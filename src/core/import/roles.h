// The roles a dump's objects are owned by or granted to, created in the
// new cluster (NOLOGIN) before the restore when they are missing, so that
// the restore keeps the dump's ownership and privileges, as a DBA
// restoring it by hand would (CREATE ROLE first, then pg_restore).
#pragma once

#include <string>
#include <vector>

#include "pg/session.h"
#include "util/exec.h"
#include "util/result.h"

namespace velo::core {

// The roles the dump names (core/dump_roles.h): a plain script read in
// chunks, an archive through the script pg_restore makes of its schema
// (owners and ACLs included; no table data).
Result<std::vector<std::string>> roles_in_dump(ProcessRunner& runner, const std::string& pg_restore,
                                               const std::string& dump_path, bool plain);

// Creates each of `roles` that the cluster lacks as a NOLOGIN role and
// returns those it created. Names starting with pg_ are reserved to the
// server and never created: a restore that needs one fails, saying so.
Result<std::vector<std::string>> create_missing_roles(pg::Session& conn,
                                                      const std::vector<std::string>& roles);

}  // namespace velo::core
