// Schema migrations: each entry moves the schema one version up, applied
// in a transaction; PRAGMA user_version records how far a database is.
#pragma once

#include "state/database.h"

namespace velo::state {

Status migrate(Database& db);

}  // namespace velo::state
