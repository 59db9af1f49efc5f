// Recovering a fresh clone of a parent's snapshot to a point in time:
// recovery settings in velo.conf, recovery.signal, start, replay the
// parent's archived WAL up to the target, promote. Success is promotion
// after "recovery stopping" at the target, not a server that accepts
// (read-only) connections; a recovery that ends before its target fails.
//
// Inclusiveness: a time target keeps the transactions that committed at
// or before it (recovery_target_inclusive = on: "the database as it was
// at T"); an LSN target keeps the WAL records that start before it (off:
// the LSN is read as a position like pg_current_wal_lsn() returns, where
// the next record would go).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "core/history/pitr_plan.h"

namespace velo::core {

// "2026-11-24T10:00:00.000Z" or "LSN 0/5000000", for messages and records.
std::string describe_target(const RecoveryTarget& target);

// How far replay is from the plan's snapshot toward its target, 0 to 100:
// an LSN target is the end; a time target's LSN is unknown until replay
// reaches it, so the window's end (the parent's position when the plan
// was made) stands in for it. nullopt when the plan gives no start.
std::optional<int> replay_percent(const RecoveryPlan& plan, Lsn at);

// The velo.conf lines that make the server recover to `target`.
// (restore_command comes from the runtime, for spec.restore_dir.)
pg::Settings recovery_settings(const RecoveryTarget& target);

// Prepares a fresh clone of plan.snapshot for recovery (velo.conf with
// velo's settings and the recovery settings, written once; the
// restore_command reading `restore_dir`, the parent's archive, read-only;
// recovery.signal).
Status prepare_recovery(BranchHandle& branch, const RecoveryPlan& plan,
                        const std::string& restore_dir);

// REQUIRES: prepare_recovery. Starts the server and waits for promotion
// at the target. On success the server runs, promoted, and velo.conf holds
// no recovery settings (a restart does not recover again). On failure the
// server may still run: the caller's undo stops it.
Status recover_to_target(Context& ctx, BranchHandle& branch, const RecoveryPlan& plan,
                         std::chrono::seconds timeout = std::chrono::hours(6));

}  // namespace velo::core
