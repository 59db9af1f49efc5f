// Reading schemas from a running server: one database through a session,
// or every connectable database of a cluster.
#pragma once

#include "diff/model.h"
#include "pg/client.h"
#include "pg/conn_params.h"
#include "pg/session.h"
#include "util/result.h"

namespace velo::diff {

// The schema objects of the session's database, read in one REPEATABLE
// READ, READ ONLY transaction with an empty search_path (so that every
// definition comes back schema-qualified); the session's settings are
// unchanged afterwards. Objects of extensions and of system schemas are
// left out. Needs a role that can read the catalogs (any role can) and
// pg_get_functiondef's rights (any); superuser is not required.
Result<DatabaseSchema> read_schema(pg::Session& session);

// Every database of the cluster `params` reaches that accepts connections,
// except template0 and template1 (postgres included), each read with
// read_schema through a session to it (params.dbname set per database).
Result<ClusterSchema> read_cluster(pg::Client& client, const pg::ConnParams& params);

}  // namespace velo::diff
