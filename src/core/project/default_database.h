// velo project set P --database DB: the database a project's connection
// strings (branch url, psql, status, show) name unless told otherwise.
#pragma once

#include <string>

#include "core/context.h"
#include "util/result.h"

namespace velo::core {

struct DefaultDatabaseChange {
  std::string previous;
  bool checked = false;  // main ran, and has the database
};

// Invalid for a bad name, or one main does not have while it runs
// (a stopped main cannot be asked: the name is taken as given);
// NotFound for an unknown project.
Result<DefaultDatabaseChange> set_default_database(Context& ctx, const std::string& project,
                                                   const std::string& database);

}  // namespace velo::core
