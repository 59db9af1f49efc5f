#include "core/history/pitr_source.h"

#include <fmt/format.h>

#include "core/history/wal_archive.h"
#include "util/fs.h"

namespace velo::core {

Result<WindowInputs> window_inputs(Context& ctx, BranchHandle& parent) {
  const std::string name = parent.project.name + "/" + parent.branch.name;
  if (parent.spec.archive_dir.empty()) {
    return make_error(ErrorKind::Invalid,
                      "{} does not archive its WAL (it was created with --no-archive), so it has "
                      "no point in time to branch from",
                      name);
  }
  VELO_ASSIGN_OR_RETURN(bool running, is_running(parent));
  if (!running) {
    return make_error(ErrorKind::Conflict,
                      "{} is stopped: its newest WAL reaches the archive only while it runs; "
                      "start it with 'velo branch start {}'",
                      name, name);
  }
  WindowInputs inputs;
  inputs.branch = name;
  VELO_ASSIGN_OR_RETURN(auto snapshots,
                        ctx.store.snapshots(parent.project.name, parent.branch.name));
  for (auto& s : snapshots) {
    if (s.volume == parent.branch.volume) inputs.snapshots.push_back(std::move(s));
  }
  auto archive = list_archive(parent.spec.archive_dir);
  if (archive.ok()) {
    if (auto oldest = archive->oldest_segment())
      inputs.oldest_archived_segno = oldest->parsed.segno;
  } else if (archive.error().kind != ErrorKind::NotFound) {
    return archive.error();
  }
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(parent)));
  // Asked first: a server in recovery refuses pg_current_wal_lsn().
  VELO_ASSIGN_OR_RETURN(auto recovering, conn->query("SELECT pg_is_in_recovery()"));
  if (recovering.at(0).at(0) == "t") {
    const std::string parent_name = parent.project.name + "/" + parent.branch.name;
    return make_error(ErrorKind::Conflict,
                      "{} is a standby following its source, so it writes no WAL of its own to "
                      "branch from at a past moment: branch it now without --at (velo branch "
                      "create {} --parent {}), or stop following (velo project unfollow {}) and "
                      "use --at for moments after that",
                      parent_name, name, parent_name, parent.project.name);
  }
  VELO_ASSIGN_OR_RETURN(auto rows, conn->query("SELECT pg_current_wal_lsn()::text"));
  inputs.now = ctx.clock.now();
  VELO_ASSIGN_OR_RETURN(inputs.current_lsn, parse_lsn(rows.at(0).at(0)));
  return inputs;
}

namespace {

// Whether the archive holds the segment with `target` and the one after:
// replay stops at the first record at or past the target, which may start
// in the next segment (a target in the padding after a WAL switch). The
// names come from the parent, on its current timeline: a target on an
// older one finds no file and gets a seal, which is always safe.
bool archive_covers(pg::Session& conn, const std::string& archive_dir, Lsn target) {
  auto rows = conn.query(fmt::format(
      "SELECT pg_walfile_name(l + 1), pg_walfile_name(l + 1 + s) FROM (SELECT '{}'::pg_lsn AS l, "
      "setting::numeric AS s FROM pg_settings WHERE name = 'wal_segment_size') AS t",
      format_lsn(target)));
  if (!rows.ok() || rows->empty() || rows->at(0).size() != 2) return false;
  return path_exists(archive_dir + "/" + rows->at(0).at(0)) &&
         path_exists(archive_dir + "/" + rows->at(0).at(1));
}

}  // namespace

Status seal_archive(Context& ctx, BranchHandle& parent, std::optional<Lsn> target,
                    std::chrono::seconds timeout) {
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(parent)));
  if (target && archive_covers(*conn, parent.spec.archive_dir, *target)) return Status::Ok();
  VELO_TRY(conn->exec("SELECT txid_current()"));
  VELO_ASSIGN_OR_RETURN(auto rows, conn->query("SELECT pg_walfile_name(pg_switch_wal())"));
  const std::string segment = rows.at(0).at(0);
  const std::string path = parent.spec.archive_dir + "/" + segment;
  ctx.reporter.step(fmt::format("waiting for {}/{} to archive WAL segment {}", parent.project.name,
                                parent.branch.name, segment));
  auto deadline = ctx.clock.monotonic() + timeout;
  while (!path_exists(path)) {
    if (ctx.clock.monotonic() >= deadline) {
      auto failed =
          conn->query("SELECT coalesce(last_failed_wal, '-'), failed_count FROM pg_stat_archiver");
      std::string detail = failed.ok() ? fmt::format("last failed file {}, {} failures",
                                                     failed->at(0).at(0), failed->at(0).at(1))
                                       : failed.error().message;
      return make_error(ErrorKind::Timeout,
                        "{}/{} did not archive {} within {} s ({}); see its server log",
                        parent.project.name, parent.branch.name, segment, timeout.count(), detail);
    }
    ctx.clock.sleep_for(std::chrono::milliseconds(20));
  }
  return Status::Ok();
}

}  // namespace velo::core
