// velo snapshot create | list | delete | prune: user snapshots of a
// branch, kept as bases for point-in-time branches. A snapshot that a
// branch depends on (the base of a branch, or the clone source of a
// point-in-time branch) is never deleted.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "core/history/snapshotter.h"
#include "core/names.h"
#include "core/operation.h"
#include "state/records.h"

namespace velo::core {

// The row for the snapshot `point` taken of `handle`'s volume.
state::SnapshotRecord snapshot_record(const BranchHandle& handle, const SnapshotPoint& point,
                                      const std::string& kind);
// The same for the base snapshot made on `parent` for its child branch
// `child` (branch create and reset).
state::SnapshotRecord base_snapshot_record(const BranchHandle& parent, const std::string& child,
                                           const SnapshotPoint& point);

// "P/B" of every branch that depends on the snapshot.
Result<std::vector<std::string>> snapshot_dependents(Context& ctx,
                                                     const state::SnapshotRecord& snapshot);

// A label is one short line: at most 200 bytes, no control characters
// (tables and JSON show it as given).
Status validate_label(const std::string& label);

// Takes and records a snapshot of `kind` ("user", "scheduled").
// REQUIRES: the caller holds the project lock.
Result<state::SnapshotRecord> snapshot_locked(Context& ctx, BranchHandle& handle,
                                              const std::string& kind, const std::string& label);
// The first scheduled snapshot of a retention window (a project's main,
// a branch created or reset with --retention), as a step of `op`: its
// undo deletes the rows of the branch's volume (the volume's own undo
// takes the snapshot away).
// REQUIRES: the caller holds the project lock.
Status first_window_snapshot(Context& ctx, Operation& op, BranchHandle& handle);
Result<state::SnapshotRecord> create_snapshot(Context& ctx, const BranchName& branch,
                                              const std::string& label);
// Conflict (naming the branches) while a branch depends on it.
Status delete_snapshot(Context& ctx, int64_t id);

struct PruneOptions {
  std::optional<size_t> keep = {};                      // keep the N newest
  std::optional<std::chrono::seconds> older_than = {};  // delete those older than this
};
struct PruneResult {
  std::vector<state::SnapshotRecord> deleted;
  // Would have been pruned, but a branch depends on them.
  std::vector<std::pair<state::SnapshotRecord, std::vector<std::string>>> kept_in_use;
};
// Only user snapshots of the branch are candidates: base snapshots belong
// to their branches and go with them.
Result<PruneResult> prune_snapshots(Context& ctx, const BranchName& branch,
                                    const PruneOptions& options);

// Pure: the user snapshots among `snapshots` that the options select,
// before the in-use check. Invalid unless exactly one option is set.
Result<std::vector<state::SnapshotRecord>> select_prune_candidates(
    const std::vector<state::SnapshotRecord>& snapshots, const PruneOptions& options,
    std::chrono::system_clock::time_point now);

}  // namespace velo::core
