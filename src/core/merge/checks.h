// What a merge checks before it changes anything, and what it tells the
// user about rows: each refusal is Invalid (exit 2) with the reason.
#pragma once

#include <optional>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "core/merge/merge_op.h"
#include "core/names.h"
#include "diff/model.h"

namespace velo::core {

// The branch to merge into: `into`, which must be an ancestor of `source`
// (its parent by default); never `source` itself.
Result<BranchHandle> merge_target(Context& ctx, const BranchHandle& source,
                                  const std::optional<BranchName>& into);

// The target must run and accept writes (not a standby following a source).
Status check_target(BranchHandle& target);

// Databases on both sides must agree on encoding and collation provider:
// DDL is not portable between them.
Status check_compatible(const diff::ClusterSchema& ours, const diff::ClusterSchema& theirs,
                        const std::string& target);

// Tables on both sides whose rows the source changed since it started
// (pg_stat_user_tables), which a merge does not carry.
Result<std::vector<RowNotice>> changed_rows(Context& ctx, BranchHandle& source,
                                            const diff::ClusterSchema& theirs);

}  // namespace velo::core
