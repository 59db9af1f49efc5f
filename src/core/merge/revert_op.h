// velo merge revert: undo a merge on its target. By default with the
// inverse migration (three-way: the target's schema after the merge as
// base, before it as ours, now as theirs, so later changes stay),
// rehearsed and applied like a merge; lossy steps need allow_hazards.
// With to_snapshot, by putting the target back to its pre-merge snapshot,
// which discards every write since: only with allow_hazards, and the
// refusal says how much would be discarded.
#pragma once

#include <cstdint>

#include "core/context.h"
#include "core/merge/merge_op.h"

namespace velo::core {

struct RevertOptions {
  int64_t id = 0;  // the merge to revert
  bool to_snapshot = false;
  MergeOptions merge = {};  // dry_run, allow_hazards, rehearsal and apply settings
};

struct RevertResult {
  MergeResult migration;  // the inverse migration (empty plan with to_snapshot)
  bool restored = false;  // to_snapshot: the target was put back
  int64_t snapshot_id = 0;
  std::string discarded;  // to_snapshot: the writes discarded, in words
};

Result<RevertResult> revert_merge(Context& ctx, const RevertOptions& options);

}  // namespace velo::core
