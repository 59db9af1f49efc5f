// Which snapshots a project keeps, and why: one pure function of the
// state rows, the time and the project's retention policy, used by
// `velo maintain` (what to prune), `branch reset`/`delete` (whether a
// released base snapshot goes) and `wal status` (where the window starts).
//
// A snapshot is kept while any of these holds:
//  - a branch depends on it (the base or PITR source of a branch),
//  - a merge record names it (its pre-merge snapshot),
//  - it is a user snapshot (`snapshot create`): it lives until deleted,
//  - it is on a volume with a retention window (main's current one) and
//    serves a moment inside the window, or it is the newest one serving
//    the window's start,
//  - it is on a volume without a window (another branch's history), or
//    its time or LSN cannot be read: not this function's to drop.
// WAL is needed from the oldest redo point of a volume's kept snapshots.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/history/pitr_time.h"
#include "state/records.h"

namespace velo::core {

struct RetentionPolicy {
  std::chrono::seconds retention{86400};
  std::chrono::seconds snapshot_every{3600};
};
RetentionPolicy policy_of(const state::ProjectRecord& project);

// A retention or snapshot interval: parse_duration's forms ("10m", "7d"),
// at least a minute and at most ten years. Invalid names the option.
Result<std::chrono::seconds> parse_retention_duration(const std::string& option,
                                                      const std::string& text);
// Invalid unless both are from 1 minute to 10 years (what the CLI parses).
Status validate_policy(int64_t retention_s, int64_t snapshot_every_s);
// "10m", "24h", "7d", "90s": the shortest exact spelling.
std::string format_span(std::chrono::seconds span);

enum class KeepReason {
  None,           // not kept: may be destroyed
  BranchDepends,  // a branch was cloned from it
  MergeDepends,   // a merge's pre-merge snapshot
  User,           // `snapshot create`: until deleted
  InWindow,       // serves a moment inside the retention window
  WindowStart,    // the newest one serving the window's start
  NoWindow,       // on a volume without a retention window
  Unreadable,     // its time or LSN cannot be read: kept to be safe
};
std::string describe(KeepReason reason);

struct SnapshotDecision {
  state::SnapshotRecord snapshot;
  KeepReason reason = KeepReason::None;
  std::string detail;  // e.g. the branches that depend on it
  bool kept() const { return reason != KeepReason::None; }
};

struct RetentionInputs {
  std::vector<state::SnapshotRecord> snapshots;  // the project's
  std::vector<state::BranchRecord> branches;     // the project's (claims)
  std::vector<state::MergeRecord> merges;        // the project's
  std::set<std::string> windowed_volumes;        // volumes with a retention window
  TimePoint now{};
  TimePoint project_created{};
  RetentionPolicy policy;
};

struct RetentionPlan {
  // max(now - retention, project creation): what should be recoverable from.
  TimePoint window_start{};
  std::string window_start_reason;          // "retention 10m" or "the project was created then"
  std::vector<SnapshotDecision> decisions;  // one per input snapshot, in input order
  // Per volume with a kept recovery base: the first WAL segment needed.
  std::map<std::string, uint64_t> wal_needed_from;
  // Volumes whose need is unknown (a kept base without a redo point):
  // nothing of their archive may go.
  std::set<std::string> wal_unknown;

  const SnapshotDecision* find(const std::string& volume, const std::string& name) const;
};

RetentionPlan plan_retention(const RetentionInputs& inputs);

// The newest kept snapshot of `kind` on `volume`, for scheduling.
std::optional<TimePoint> newest_snapshot_time(const std::vector<state::SnapshotRecord>& snapshots,
                                              const std::string& volume, const std::string& kind);

}  // namespace velo::core
