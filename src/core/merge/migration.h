// The steps a merge and a revert share once they know what to change: a
// target, a plan and the schema it must give. Refuse data loss unless
// allowed, rehearse on a clone of the target, then (unless a dry run)
// snapshot the target, record, apply in transactions, record the outcome.
#pragma once

#include <functional>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "core/merge/merge_op.h"

namespace velo::core {

struct MigrationSpec {
  std::string kind;            // merge | revert, for the record
  std::string source;          // branch name for the record
  int64_t reverts = 0;         // kind revert: the merge it reverts
  std::string snapshot_label;  // the pre-change snapshot's label
  // Fills result.changes, result.plan (and result.rows) and the schema the
  // plan must give the target; may refuse (conflicts, ...).
  std::function<Status(MergeResult& result, diff::ClusterSchema& expected)> plan;
};

// `what` names the operation for messages ("demo/dev was not merged").
Result<MergeResult> run_migration(Context& ctx, const MergeOptions& options, BranchHandle target,
                                  const MigrationSpec& spec, const std::string& rolled_back);

}  // namespace velo::core
