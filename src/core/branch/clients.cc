#include "core/branch/clients.h"

#include <cstdlib>

namespace velo::core {

Result<int> count_clients(Context& ctx, BranchHandle& handle) {
  VELO_ASSIGN_OR_RETURN(bool running, is_running(handle));
  if (!running) return 0;
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(handle)));
  VELO_ASSIGN_OR_RETURN(auto rows, conn->query("SELECT count(*) FROM pg_stat_activity "
                                               "WHERE backend_type = 'client backend' "
                                               "AND pid <> pg_backend_pid()"));
  if (rows.empty() || rows[0].empty()) return 0;
  return std::atoi(rows[0][0].c_str());
}

}  // namespace velo::core
