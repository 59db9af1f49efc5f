#include "core/branch/origin.h"

namespace velo::core {
namespace {

// The label create gives the snapshot of a point-in-time branch as it
// promoted (core/branch/create.cc).
constexpr char kRecoveredTo[] = "recovered to ";

}  // namespace

BranchOrigin describe_origin(Context& ctx, BranchHandle& handle) {
  BranchOrigin origin;
  const state::BranchRecord& branch = handle.branch;
  const std::string& cloned =
      branch.base_snapshot.empty() ? branch.source_snapshot : branch.base_snapshot;
  if (!cloned.empty()) origin.snapshot = branch.parent_volume + "@" + cloned;
  // One read of the project's snapshots answers both: the clone's source
  // (on the parent's volume) and this branch's start (on its own).
  auto snapshots = ctx.store.snapshots(handle.project.name);
  for (const auto& s : snapshots.ok() ? *snapshots : std::vector<state::SnapshotRecord>{}) {
    if (!cloned.empty() && s.volume == branch.parent_volume && s.name == cloned) {
      origin.snapshot_time = s.created_at;
    }
    if (s.volume == branch.volume && s.kind == "start" && s.label.starts_with(kRecoveredTo)) {
      origin.recovered_to = s.label.substr(sizeof kRecoveredTo - 1);
    }
  }
  auto running = is_running(handle);
  if (running.ok() && *running) {
    auto conn = ctx.pg.connect(conn_params(handle));
    if (conn.ok()) {
      auto rows = (*conn)->query("SHOW server_version");
      if (rows.ok() && !rows->empty() && !rows->at(0).empty()) {
        origin.server_version = rows->at(0).at(0);
      }
    }
  }
  return origin;
}

}  // namespace velo::core
