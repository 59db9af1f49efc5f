// The schemas a diff or merge compares: a branch's as it is now, and the
// one it started with (read from a scratch server on a clone of the
// snapshot it was branched from, so nothing is dumped when branching).
#pragma once

#include <optional>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "diff/model.h"

namespace velo::core {

// Unavailable (exit 1) with a hint when the branch's server is stopped.
Status require_running(BranchHandle& branch);

// Every database of the branch's running server. Unavailable (exit 1) with
// a hint when it is stopped.
Result<diff::ClusterSchema> read_branch_schema(Context& ctx, BranchHandle& branch);

// The schema the branch started with (at its create or last reset).
// Invalid for main (it has no parent) and for a point-in-time branch,
// whose starting state velo does not keep yet.
Result<diff::ClusterSchema> read_base_schema(Context& ctx, const BranchHandle& branch);

// Only `database` of the schema (NotFound when neither side has it: the
// caller checks); every database for nullopt.
void keep_database(diff::ClusterSchema& schema, const std::optional<std::string>& database);

}  // namespace velo::core
