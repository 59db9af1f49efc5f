// velo branch merge: a branch's schema changes since it started, applied
// to its parent (or, with --into, another ancestor) as the target is now:
// three-way against the target's changes, rehearsed on a copy-on-write
// clone of the target's data, then applied after a pre-merge snapshot and
// recorded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/merge/apply.h"
#include "core/merge/rehearsal.h"
#include "core/names.h"
#include "diff/change.h"
#include "diff/plan.h"
#include "diff/three_way.h"

namespace velo::core {

struct MergeOptions {
  BranchName source;
  std::optional<BranchName> into = std::nullopt;  // default: the source's parent
  bool dry_run = false;
  // Data-loss hazards (a dropped table or column, a narrowed type) are
  // refused without it.
  bool allow_hazards = false;
  RehearsalOptions rehearsal = {};
  ApplyOptions apply = {};
};

// A table whose rows the source changed: a merge carries schema, not rows.
struct RowNotice {
  std::string database;
  std::string table;
  int64_t changed_rows = 0;
};

struct MergeResult {
  int64_t id = 0;  // the merge record; 0 for a dry run or nothing to merge
  std::string source;
  std::string target;
  std::vector<diff::Change> changes;
  diff::Plan plan;
  Rehearsal rehearsal;
  std::vector<RowNotice> rows;
  int64_t snapshot_id = 0;  // the target's pre-merge snapshot
  ApplyReport applied;
  double plan_ms = 0;      // reading the three schemas and planning
  double snapshot_ms = 0;  // the pre-merge snapshot
  // For the record (not printed): the source's schema and the target's
  // before and after, as diff::schema_to_json makes them.
  nlohmann::json schemas = nlohmann::json::object();
};

// Invalid (exit 2, nothing changed) for a merge into itself or a branch that
// is not an ancestor, a stopped or read-only target, databases whose
// encoding or collation provider differ, a rehearsal that fails on the
// target's data, data-loss hazards without allow_hazards; Conflict (exit
// 2) naming each conflict.
Result<MergeResult> merge_branch(Context& ctx, const MergeOptions& options);

nlohmann::json to_json(const MergeResult& result);

}  // namespace velo::core
