// Taking a consistent snapshot of a branch's volume, running or not.
//
// Atomic drivers (zfs, btrfs): CHECKPOINT, then snapshot. The snapshot is
// crash-consistent and covers pg_wal, so a clone runs a short crash
// recovery. With little WAL since the last checkpoint (an idle parent,
// or one just started or checkpointed), there is no CHECKPOINT: a clone
// replays that much in less time than the CHECKPOINT's fsyncs take.
//
// Per-file drivers (reflink, copy): the backup API in one session
// (pg_backup_start, copy, pg_backup_stop), then pg_wal copied again and
// backup_label written into the snapshot, as pg_basebackup does.
//
// A stopped server's files are consistent as they are.
#pragma once

#include <string>

#include "core/cluster.h"
#include "core/context.h"

namespace velo::core {

struct SnapshotPoint {
  std::string name;
  std::string lsn;         // WAL position the snapshot is consistent at or before
  std::string created_at;  // taken after the snapshot: nothing later is in it
  // A lower bound of the redo point the snapshot recovers from: the WAL
  // position read before its CHECKPOINT (or pg_backup_start), or the last
  // checkpoint's redo point when it took none. "" when the branch was
  // stopped.
  std::string redo_lsn;
};

Result<SnapshotPoint> snapshot_branch(Context& ctx, BranchHandle& handle, const std::string& name);

}  // namespace velo::core
