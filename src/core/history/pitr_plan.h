// Choosing where a point-in-time branch starts: the recoverable window of
// a parent and the newest of its snapshots consistent before a target.
// Pure functions of what core/pitr_source.h gathers.
//
// A snapshot S is consistent at (created_at, lsn), both read after S was
// taken: every WAL record in S starts before lsn, and every commit in S
// has a timestamp before created_at. Recovery from S may stop only after
// all of S's own WAL (its data files may hold changes up to there), so S
// serves a target time T when created_at + 1 ms <= T (created_at is kept
// in whole milliseconds) and a target LSN L when lsn <= L.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/history/pitr_time.h"
#include "core/history/wal_position.h"
#include "state/records.h"

namespace velo::core {

// A target as the user typed it (--at or --lsn).
struct TargetSpec {
  enum class Kind { Time, Lsn };
  Kind kind = Kind::Time;
  std::string text;
};

struct RecoveryTarget {
  TargetSpec::Kind kind = TargetSpec::Kind::Time;
  TimePoint time{};  // Kind::Time
  Lsn lsn = 0;       // Kind::Lsn
};

struct WindowInputs {
  std::string branch;                             // "P/B", for messages
  std::vector<state::SnapshotRecord> snapshots;   // of the parent's current volume
  std::optional<uint64_t> oldest_archived_segno;  // nullopt: nothing archived yet
  // The newest recoverable moment: the parent runs, and velo seals its WAL
  // into the archive (pitr_source.h) before recovering, so it is now.
  TimePoint now{};
  Lsn current_lsn = 0;  // the parent's insert position, read at `now`
};

struct Window {
  TimePoint from_time{};
  Lsn from_lsn = 0;
  TimePoint to_time{};
  Lsn to_lsn = 0;
};

// Snapshots with an LSN and a readable time whose WAL (from their redo
// point, else their LSN) is still in the archive.
std::vector<state::SnapshotRecord> usable_snapshots(const WindowInputs& inputs);

// Invalid when no snapshot is usable (the message says how to make one).
Result<Window> recoverable_window(const WindowInputs& inputs);
// "2026-11-24T10:00:00.124Z to 2026-11-24T11:00:00.000Z (now); by LSN 0/3000148 to 0/5000060"
std::string describe_window(const Window& window);

// The target as an absolute time or LSN (relative times against `now`).
Result<RecoveryTarget> parse_target(const TargetSpec& spec, TimePoint now);

struct RecoveryPlan {
  RecoveryTarget target;
  state::SnapshotRecord snapshot;  // the newest snapshot consistent before the target
  Window window;
};

// Invalid, with the recoverable window in the message, for a target that
// cannot be parsed or lies outside the window.
Result<RecoveryPlan> plan_recovery(const WindowInputs& inputs, const TargetSpec& spec);

}  // namespace velo::core
