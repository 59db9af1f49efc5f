#include "core/branch/inspect.h"

#include <map>

#include "core/branch/connection.h"
#include "core/branch/logs.h"
#include "core/locks.h"

namespace velo::core {

std::string server_status(BranchHandle& handle) {
  auto state = handle.runtime->state(handle.spec);
  if (!state.ok()) return "unknown";
  switch (*state) {
    case runtime::ClusterState::Missing:
      return "missing";
    case runtime::ClusterState::Stopped:
      return handle.branch.stopped_by_user ? "stopped" : "crashed";
    case runtime::ClusterState::Running:
      // Up, but replaying WAL (after a crash, or a full disk): not open yet.
      return postmaster_status(handle.spec.data_dir) == "starting" ? "recovering" : "running";
  }
  return "unknown";
}

namespace {

// A row that says an operation is under way ("creating", "resetting",
// "rotating", "deleting"): so while a velo holds the project's lock, else
// "interrupted" (velo died midway; the next command on the project, or
// velo gc, finishes it).
std::string operation_status(Context& ctx, const BranchHandle& handle) {
  auto held = project_lock_held(ctx, handle.project.name);
  if (held.ok() && !*held) return "interrupted";
  return handle.branch.status;
}

BranchInfo describe_without_space(Context& ctx, BranchHandle& handle) {
  BranchInfo info;
  info.project = handle.project.name;
  info.branch = handle.branch.name;
  info.parent = handle.branch.parent;
  info.port = static_cast<int>(handle.branch.port);
  pg::ConnParams params = user_connection(handle);
  info.url = pg::to_url(params, false);
  info.database = params.dbname;
  info.log = branch_log_location(handle);
  info.created_at = handle.branch.created_at;
  info.storage = ctx.driver.name();
  info.runtime = handle.project.runtime;
  info.listen_address = handle.branch.listen_address;
  info.data_dir = handle.spec.data_dir;
  info.volume = handle.branch.volume;
  info.status =
      handle.branch.status == "ready" ? server_status(handle) : operation_status(ctx, handle);
  return info;
}

// One read and at most one write of the space cache for all of them.
void add_space(Context& ctx, std::vector<BranchInfo>& infos, SpaceMaxAge max_age) {
  std::vector<std::string> volumes;
  volumes.reserve(infos.size());
  for (const auto& info : infos) volumes.push_back(info.volume);
  auto measures = measure_volumes(ctx, volumes, max_age);
  for (auto& info : infos) {
    auto found = measures.find(info.volume);
    if (found != measures.end()) info.space = found->second;
  }
}

}  // namespace

BranchInfo describe_branch(Context& ctx, BranchHandle& handle, SpaceWanted space) {
  std::vector<BranchInfo> one{describe_without_space(ctx, handle)};
  if (space) add_space(ctx, one, *space);
  return std::move(one.front());
}

Result<std::vector<BranchInfo>> describe_branches(Context& ctx,
                                                  const std::optional<std::string>& project,
                                                  SpaceWanted space) {
  if (project) VELO_TRY(load_project(ctx, *project));
  // Two reads of the state for any number of branches, not two per branch:
  // `velo serve` lists them every second.
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  std::map<std::string, const state::ProjectRecord*> by_name;
  for (const auto& p : projects) by_name[p.name] = &p;
  std::vector<BranchInfo> out;
  out.reserve(branches.size());
  for (const auto& branch : branches) {
    auto owner = by_name.find(branch.project);
    if (owner == by_name.end()) continue;  // the rows reference their project
    VELO_ASSIGN_OR_RETURN(runtime::Runtime * runtime, ctx.runtimes.get(owner->second->runtime));
    BranchHandle handle = make_handle(ctx, *owner->second, branch, runtime);
    out.push_back(describe_without_space(ctx, handle));
  }
  if (space) add_space(ctx, out, *space);
  return out;
}

}  // namespace velo::core
