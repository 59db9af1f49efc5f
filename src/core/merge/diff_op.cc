#include "core/merge/diff_op.h"

#include <fmt/format.h>

#include <future>

#include "core/cluster.h"
#include "core/locks.h"
#include "core/merge/schemas.h"
#include "diff/reader.h"
#include "util/timings.h"

namespace velo::core {

Result<BranchDiff> diff_branch(Context& ctx, const DiffOptions& options) {
  const BranchName& name = options.name;
  if (options.against && options.against->project != name.project) {
    return make_error(ErrorKind::Invalid, "{} is in another project than {}",
                      options.against->full(), name.full());
  }
  // Held while a scratch server exists, so that `velo gc` does not take it
  // for a leftover.
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto branch, load_branch(ctx, name.project, name.branch));
  BranchDiff out;
  VELO_TRY(require_running(branch));
  // The branch is read on a second thread while this one reads the other
  // side, which may start a scratch server: that thread only talks to
  // PostgreSQL, never to the state or a runtime.
  auto now = std::async(std::launch::async, [&ctx, params = conn_params(branch)] {
    timings::Scope span("read branch");
    return diff::read_cluster(ctx.pg, params);
  });
  if (options.against) {
    VELO_ASSIGN_OR_RETURN(auto other,
                          load_branch(ctx, options.against->project, options.against->branch));
    VELO_ASSIGN_OR_RETURN(out.from, read_branch_schema(ctx, other));
    out.from_label = options.against->full();
  } else {
    VELO_ASSIGN_OR_RETURN(out.from, read_base_schema(ctx, branch));
    out.from_label = fmt::format("{}'s starting point", name.full());
  }
  VELO_ASSIGN_OR_RETURN(out.to, now.get());
  if (options.database) {
    if (out.from.databases.count(*options.database) == 0 &&
        out.to.databases.count(*options.database) == 0) {
      return make_error(ErrorKind::NotFound, "no database named '{}' in {} or {}",
                        *options.database, name.full(), out.from_label);
    }
    keep_database(out.from, options.database);
    keep_database(out.to, options.database);
  }
  out.changes = diff::diff(out.from, out.to);
  return out;
}

}  // namespace velo::core
