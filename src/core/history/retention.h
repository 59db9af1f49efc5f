// Which snapshots a project keeps, and why: one pure function of the
// state rows, the time and the project's retention policy, used by
// `velo maintain` (what to prune), `branch reset`/`delete` (whether a
// released base snapshot goes) and `wal status` (where the window starts).
//
// A snapshot is kept while any of these holds:
//  - a branch depends on it (the base or PITR source of a branch),
//  - a merge record names it (its pre-merge snapshot),
//  - it is a user snapshot (`snapshot create`): it lives until deleted,
//  - it is on a volume with a retention window (main's current one, or
//    that of a branch created with --retention) and serves a moment
//    inside that window, or it is the newest one serving its start,
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
// A branch's window: its project's for main, its own for a branch created
// with --retention, none (nullopt) for the others.
std::optional<RetentionPolicy> policy_of(const state::ProjectRecord& project,
                                         const state::BranchRecord& branch);

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

// The retention window of one volume (a branch's current one).
struct VolumeWindow {
  RetentionPolicy policy;
  TimePoint since{};  // nothing before it to keep: the project's or the branch's creation
  std::string since_what = "the project was created";
};

struct RetentionInputs {
  std::vector<state::SnapshotRecord> snapshots;  // the project's
  std::vector<state::BranchRecord> branches;     // the project's (claims)
  std::vector<state::MergeRecord> merges;        // the project's
  std::map<std::string, VolumeWindow> windows;   // by volume: those with a window
  TimePoint now{};
};

// max(now - retention, since): what should be recoverable from.
struct WindowStart {
  TimePoint at{};
  std::string reason;  // "retention 10m" or "the project was created then (...)"
};

struct RetentionPlan {
  std::map<std::string, WindowStart> window_starts;  // by volume, one per window
  std::vector<SnapshotDecision> decisions;           // one per input snapshot, in input order
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
