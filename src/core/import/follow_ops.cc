#include "core/import/follow_ops.h"

#include <fmt/format.h>

#include "core/cluster.h"
#include "core/import/area.h"
#include "core/import/source.h"
#include "core/locks.h"
#include "core/names.h"
#include "pg/config_files.h"
#include "pg/source_url.h"
#include "util/fs.h"

namespace velo::core {
namespace {

Status fill_lag(Context& ctx, BranchHandle& handle, FollowStatus& status) {
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(handle)));
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      conn->query(
          "SELECT coalesce(r.status, ''), coalesce(pg_last_wal_replay_lsn()::text, ''), "
          "greatest(0, pg_wal_lsn_diff(r.latest_end_lsn, pg_last_wal_replay_lsn()))::bigint, "
          "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
          "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END "
          "FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS r ON true"));
  const pg::Row& row = rows.at(0);
  status.receiver = row.at(0);
  status.replay_lsn = row.at(1);
  if (!row.at(2).empty()) status.lag_bytes = std::stoll(row.at(2));
  if (!row.at(3).empty()) status.lag_seconds = std::stod(row.at(3));
  return Status::Ok();
}

Status promote(Context& ctx, BranchHandle& handle) {
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(handle)));
  VELO_ASSIGN_OR_RETURN(auto rows, conn->query("SELECT pg_is_in_recovery()"));
  if (rows.at(0).at(0) == "f") return Status::Ok();
  ctx.reporter.step(fmt::format("promoting {}/main", handle.project.name));
  // Waits (up to 60 s) until the server has left recovery.
  VELO_ASSIGN_OR_RETURN(auto promoted, conn->query("SELECT pg_promote(true, 60)"));
  if (promoted.at(0).at(0) != "t") {
    return make_error(ErrorKind::Timeout, "{}/main did not finish promotion within 60 s",
                      handle.project.name);
  }
  return Status::Ok();
}

// The slot stops being active when the walreceiver exits: retry a while.
std::string drop_source_slot(Context& ctx, const FollowConfig& follow,
                             const std::string& passfile) {
  auto source = pg::parse_source_url(follow.source);
  std::string manual = fmt::format(
      "the source {} keeps replication slot {}, which holds back its "
      "WAL: drop it there (SELECT pg_drop_replication_slot('{}'))",
      follow.source, follow.slot, follow.slot);
  if (!source.ok()) return manual;
  if (!passfile.empty()) source->params.passfile = passfile;
  for (int attempt = 0; attempt < 25; ++attempt) {
    auto conn = connect_source(ctx.pg, source->params);
    if (!conn.ok()) return manual + " (" + conn.error().message + ")";
    auto dropped = (*conn)->query(
        "SELECT pg_drop_replication_slot(slot_name) FROM "
        "pg_replication_slots WHERE slot_name = $1",
        {follow.slot});
    if (dropped.ok()) return "";
    ctx.clock.sleep_for(std::chrono::milliseconds(200));
  }
  return manual;
}

}  // namespace

Result<std::optional<FollowStatus>> follow_status(Context& ctx, const std::string& project) {
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, project, "main"));
  VELO_ASSIGN_OR_RETURN(auto follow, read_follow(handle.spec.data_dir));
  if (!follow) return std::optional<FollowStatus>();
  FollowStatus status;
  status.source = follow->source;
  status.slot = follow->slot;
  VELO_ASSIGN_OR_RETURN(status.running, is_running(handle));
  if (status.running) VELO_TRY(fill_lag(ctx, handle, status));
  return std::optional<FollowStatus>(status);
}

Result<std::string> release_source_slot(Context& ctx, const std::string& project) {
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, project, "main"));
  const std::string& data_dir = handle.spec.data_dir;
  VELO_ASSIGN_OR_RETURN(auto follow, read_follow(data_dir));
  if (!follow || follow->slot.empty()) return std::string();
  VELO_TRY(stop_server(handle));
  ctx.reporter.step(fmt::format("dropping replication slot {} on the source", follow->slot));
  return drop_source_slot(ctx, *follow,
                          path_exists(passfile_path(data_dir)) ? passfile_path(data_dir) : "");
}

Result<UnfollowResult> unfollow_project(Context& ctx, const std::string& project) {
  VELO_TRY(validate_name("project", project));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, project, "main"));
  const std::string data_dir = handle.spec.data_dir;
  VELO_ASSIGN_OR_RETURN(auto follow, read_follow(data_dir));
  if (!follow) {
    return make_error(ErrorKind::Conflict, "{}/main does not follow a source", project);
  }
  VELO_ASSIGN_OR_RETURN(bool running, is_running(handle));
  if (!running) {
    VELO_TRY(prepare_data_dir(handle));
    VELO_TRY(start_and_wait(ctx, handle));
  }
  VELO_TRY(promote(ctx, handle));
  std::string passfile = path_exists(passfile_path(data_dir)) ? passfile_path(data_dir) : "";
  UnfollowResult result;
  if (!follow->slot.empty()) result.warning = drop_source_slot(ctx, *follow, passfile);
  VELO_TRY(remove_follow(data_dir));
  // velo.conf without the standby settings, for the next start (not
  // prepare_data_dir: the server runs, and its postmaster.pid stays).
  VELO_TRY(pg::write_velo_conf(data_dir, velo_settings(handle)));
  // A primary now: it can get velo's password like any main.
  VELO_TRY(apply_password(ctx, handle, "", handle.project.password));
  handle.branch.password = handle.project.password;
  VELO_TRY(ctx.store.update_branch(handle.branch));
  return result;
}

}  // namespace velo::core
