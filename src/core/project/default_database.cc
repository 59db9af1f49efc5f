#include "core/project/default_database.h"

#include "core/branch/connection.h"
#include "core/cluster.h"
#include "core/locks.h"
#include "core/names.h"

namespace velo::core {
namespace {

Result<bool> main_has_database(Context& ctx, BranchHandle& main, const std::string& database) {
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(main)));
  VELO_ASSIGN_OR_RETURN(
      auto rows, conn->query("SELECT count(*) FROM pg_database WHERE datname = $1", {database}));
  return !rows.empty() && !rows[0].empty() && rows[0][0] != "0";
}

}  // namespace

Result<DefaultDatabaseChange> set_default_database(Context& ctx, const std::string& project,
                                                   const std::string& database) {
  VELO_TRY(validate_name("project", project));
  VELO_TRY(validate_identifier("database", database));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, project));
  VELO_ASSIGN_OR_RETURN(auto main, load_branch(ctx, project, "main"));
  DefaultDatabaseChange change{main.project.database, false};
  VELO_ASSIGN_OR_RETURN(bool running, is_running(main));
  if (running) {
    VELO_ASSIGN_OR_RETURN(bool exists, main_has_database(ctx, main, database));
    if (!exists) {
      return make_error(ErrorKind::Invalid, "database {} does not exist on {}/main", database,
                        project);
    }
    change.checked = true;
  }
  VELO_TRY(ctx.store.set_project_database(project, database));
  return change;
}

}  // namespace velo::core
