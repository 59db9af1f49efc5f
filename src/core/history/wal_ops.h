// velo wal status | prune: what a branch's WAL archive holds and makes
// recoverable, and removing the WAL that no kept snapshot needs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/history/pitr_plan.h"
#include "core/history/wal_archive.h"
#include "core/names.h"

namespace velo::core {

struct WalStatus {
  std::string archive_dir;  // "" when the branch does not archive
  ArchiveContents contents;
  std::optional<Window> window;  // the recoverable window, when there is one
  std::string no_window_reason;  // else why not
  // The project's retention window (core/history/retention.h) and why it
  // starts where it does; "" for a branch without one.
  std::string retention;
};

Result<WalStatus> wal_status(Context& ctx, const BranchName& name);

// Pure: the first segment number that recovering any of `snapshots` (the
// kept snapshots of the archive's incarnation) may need, i.e. the segment
// of the oldest redo point. Snapshots without an LSN cannot serve as a
// recovery base and need nothing. Invalid when no snapshot needs the
// archive (nothing to prune against); Conflict when one has an LSN but no
// recorded redo point (what it needs is unknown, so nothing is removed).
Result<uint64_t> wal_needed_from(const std::vector<state::SnapshotRecord>& snapshots);

// Pure: the archived files older than segment `keep_from`: segments and
// their .partial and .backup files. Timeline history files stay (they are
// tiny and recovery reads them to choose a timeline).
std::vector<ArchivedFile> select_wal_to_prune(const ArchiveContents& contents, uint64_t keep_from);

struct WalPruneResult {
  uint64_t keep_from = 0;  // segment number
  std::vector<ArchivedFile> removed;
  uint64_t bytes_removed = 0;
};

// Removes what select_wal_to_prune picks from `archive_dir`.
Result<WalPruneResult> remove_wal_before(const std::string& archive_dir, uint64_t keep_from);

// Never by file age: only relative to the oldest kept snapshot's redo.
Result<WalPruneResult> prune_wal(Context& ctx, const BranchName& name);

}  // namespace velo::core
