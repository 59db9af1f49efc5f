#include "core/history/snapshotter.h"

#include <fmt/format.h>

#include <regex>

#include "core/branch/branch_ops.h"
#include "pg/backup.h"
#include "util/fs.h"
#include "util/time_format.h"
#include "util/timings.h"

namespace velo::core {
namespace {

// The server's WAL position: written, or replayed on a standby (which
// refuses pg_current_wal_lsn()).
constexpr char kNowLsn[] =
    "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";

Result<std::string> current_lsn(pg::Session& conn) {
  VELO_ASSIGN_OR_RETURN(auto rows, conn.query(fmt::format("SELECT {}::text", kNowLsn)));
  return rows.at(0).at(0);
}

// Below this much WAL since the last checkpoint's redo point, a snapshot
// takes no CHECKPOINT: a clone replays that much in less time than the
// CHECKPOINT (and the snapshot of what it wrote) takes on the parent,
// whose fsyncs cost even with nothing to write. Measured on btrfs with a
// bare postgres and pgbench's writes, snapshot until a clone answers
// (medians of 3): up to 1 MiB since the checkpoint, 172-237 ms without
// one against 216-339 ms with; at 2-4 MiB, 284-319 against 278-305.
constexpr int64_t kCheckpointBelowWalBytes = 1 << 20;

// Where the server's WAL stands against its last checkpoint (on a
// standby, its last restartpoint), in one round trip.
struct WalStand {
  std::string lsn;         // kNowLsn
  std::string redo_lsn;    // where a clone's crash recovery would start
  bool near_redo = false;  // less than kCheckpointBelowWalBytes between them
};

Result<WalStand> wal_stand(pg::Session& conn) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      conn.query(fmt::format("SELECT now_lsn::text, c.redo_lsn::text, "
                             "pg_wal_lsn_diff(now_lsn, c.redo_lsn) < $1::numeric "
                             "FROM (SELECT {} AS now_lsn) AS n, pg_control_checkpoint() AS c",
                             kNowLsn),
                 {std::to_string(kCheckpointBelowWalBytes)}));
  const pg::Row& row = rows.at(0);
  return WalStand{row.at(0), row.at(1), row.at(2) == "t"};
}

// The LSN the snapshot is consistent at or before.
Result<std::string> snapshot_atomic(Context& ctx, BranchHandle& handle, pg::Session& conn,
                                    const std::string& name, bool checkpoint) {
  // On a standby CHECKPOINT makes a restartpoint, which shortens replay too.
  if (checkpoint) {
    timings::Scope span("checkpoint");
    VELO_TRY(conn.exec("CHECKPOINT"));
  }
  const std::string& volume = handle.branch.volume;
  {
    timings::Scope span("fs-snapshot");
    VELO_TRY(ctx.driver.snapshot(volume, name));
  }
  // The snapshot is only of use with its LSN: without it, none is left.
  auto lsn = current_lsn(conn);
  if (!lsn.ok()) (void)ctx.driver.destroy_snapshot(volume, name);
  return lsn;
}

// The WAL segment the backup starts in must be in the snapshot, or the
// clone cannot recover: check rather than hope.
Status check_start_segment(const std::string& label, const std::string& data_dir) {
  static const std::regex file_pattern(R"(START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\))");
  std::smatch match;
  if (!std::regex_search(label, match, file_pattern)) {
    return make_error(ErrorKind::Io, "unexpected backup_label from the server");
  }
  std::string segment = data_dir + "/pg_wal/" + match[1].str();
  if (!path_exists(segment)) {
    return make_error(ErrorKind::Io, "WAL segment {} was recycled during the copy; try again",
                      match[1].str());
  }
  return Status::Ok();
}

Result<std::string> snapshot_with_backup_api(Context& ctx, BranchHandle& handle,
                                             std::unique_ptr<pg::Session> conn,
                                             const std::string& name) {
  const std::string& volume = handle.branch.volume;
  VELO_ASSIGN_OR_RETURN(auto backup, pg::Backup::start(std::move(conn), "velo " + name));
  VELO_TRY(ctx.driver.snapshot(volume, name));
  auto stopped = backup.stop();
  if (!stopped.ok()) {
    (void)ctx.driver.destroy_snapshot(volume, name);
    return stopped.error();
  }
  // pg_wal as of now holds everything up to the stop LSN.
  std::string data_dir = ctx.driver.snapshot_path(volume, name) + "/data";
  Status amended = ctx.driver.recopy_into_snapshot(volume, name, "data/pg_wal");
  if (amended.ok()) amended = check_start_segment(stopped->backup_label, data_dir);
  if (amended.ok()) {
    amended = write_file_atomic(data_dir + "/backup_label", stopped->backup_label, 0600);
  }
  if (amended.ok() && !stopped->tablespace_map.empty()) {
    amended = write_file_atomic(data_dir + "/tablespace_map", stopped->tablespace_map, 0600);
  }
  if (!amended.ok()) {
    (void)ctx.driver.destroy_snapshot(volume, name);
    return amended.error();
  }
  return stopped->stop_lsn;
}

}  // namespace

Result<SnapshotPoint> snapshot_branch(Context& ctx, BranchHandle& handle, const std::string& name) {
  SnapshotPoint point{name, "", "", ""};
  VELO_ASSIGN_OR_RETURN(auto state, handle.runtime->state(handle.spec));
  if (state == runtime::ClusterState::Stopped && !handle.branch.stopped_by_user &&
      handle.branch.status == "ready") {
    // Crashed (a killed postmaster, a full disk): the command that needs
    // it brings it back, so a main a full disk took down runs again with
    // the next command once there is room.
    Status started = start_branch_locked(ctx, handle);
    if (started.ok()) {
      fmt::print(stderr, "velo: {}/{} started again after a crash\n", handle.project.name,
                 handle.branch.name);
      state = runtime::ClusterState::Running;
    } else if (started.error().kind == ErrorKind::Interrupted) {
      return started.error();
    } else {
      // Its files still make a consistent snapshot, recovered by a clone
      // as after a crash: a branch of a main that cannot run is how one
      // looks into why.
      fmt::print(stderr,
                 "velo: warning: {}/{} crashed and did not start again ({}); its files are "
                 "snapshotted as they are\n",
                 handle.project.name, handle.branch.name, started.error().message);
    }
  }
  if (state != runtime::ClusterState::Running) {
    VELO_TRY(ctx.driver.snapshot(handle.branch.volume, name));
  } else {
    std::unique_ptr<pg::Session> conn;
    {
      timings::Scope span("connect");
      VELO_ASSIGN_OR_RETURN(conn, ctx.pg.connect(conn_params(handle)));
    }
    // In the same session as the snapshot: one connection per snapshot.
    if (ctx.driver.atomic_snapshots()) {
      VELO_ASSIGN_OR_RETURN(WalStand stand, wal_stand(*conn));
      const bool checkpoint = !stand.near_redo;
      // Without a CHECKPOINT, a clone recovers from the last one's redo.
      point.redo_lsn = checkpoint ? stand.lsn : stand.redo_lsn;
      VELO_ASSIGN_OR_RETURN(point.lsn, snapshot_atomic(ctx, handle, *conn, name, checkpoint));
    } else {
      VELO_ASSIGN_OR_RETURN(point.redo_lsn, current_lsn(*conn));
      VELO_ASSIGN_OR_RETURN(point.lsn,
                            snapshot_with_backup_api(ctx, handle, std::move(conn), name));
    }
  }
  point.created_at = format_utc(ctx.clock.now());
  return point;
}

}  // namespace velo::core
