#include "core/history/retention_ops.h"

#include "core/branch/branch_ops.h"

namespace velo::core {

Result<RetentionPlan> project_retention(Context& ctx, const state::ProjectRecord& project,
                                        const state::BranchRecord* released) {
  RetentionInputs inputs;
  VELO_ASSIGN_OR_RETURN(inputs.snapshots, ctx.store.snapshots(project.name));
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project.name));
  auto project_created = parse_rfc3339(project.created_at);
  inputs.now = ctx.clock.now();
  for (auto& b : branches) {
    if (auto policy = policy_of(project, b)) {
      VolumeWindow window{*policy, project_created.ok() ? *project_created : inputs.now};
      if (b.parent) {
        auto created = parse_rfc3339(b.created_at);
        window.since = created.ok() ? *created : inputs.now;
        window.since_what = "the branch was created";
      }
      inputs.windows.emplace(b.volume, std::move(window));
    }
    bool gives_up = released != nullptr && b.name == released->name &&
                    b.base_snapshot == released->base_snapshot &&
                    b.parent_volume == released->parent_volume;
    if (!gives_up) inputs.branches.push_back(std::move(b));
  }
  VELO_ASSIGN_OR_RETURN(inputs.merges, ctx.store.merges(project.name));
  return plan_retention(inputs);
}

Status drop_window_history(Context& ctx, const state::ProjectRecord& project,
                           const std::string& volume) {
  VELO_ASSIGN_OR_RETURN(auto plan, project_retention(ctx, project));
  for (const auto& d : plan.decisions) {
    const auto& s = d.snapshot;
    // NoWindow: nothing but the gone window kept it.
    if (s.volume != volume || s.kind != "scheduled" || d.reason != KeepReason::NoWindow) continue;
    VELO_TRY(destroy_or_retire(ctx, s.volume, s.name));
    VELO_TRY(ctx.store.delete_snapshot(s.id));
  }
  return Status::Ok();
}

Status release_base_snapshot(Context& ctx, const state::BranchRecord& claimant) {
  // A point-in-time branch owns no base: an empty name would name the
  // parent's whole volume.
  if (claimant.base_snapshot.empty()) return Status::Ok();
  VELO_ASSIGN_OR_RETURN(auto project, load_project(ctx, claimant.project));
  VELO_ASSIGN_OR_RETURN(auto plan, project_retention(ctx, project, &claimant));
  const SnapshotDecision* decision = plan.find(claimant.parent_volume, claimant.base_snapshot);
  // NoWindow: another branch's history, which went with its child until now.
  bool kept = decision != nullptr && decision->kept() && decision->reason != KeepReason::NoWindow;
  if (kept) return ctx.store.release_snapshot(claimant.parent_volume, claimant.base_snapshot);
  VELO_TRY(destroy_or_retire(ctx, claimant.parent_volume, claimant.base_snapshot));
  return ctx.store.delete_snapshot_named(claimant.parent_volume, claimant.base_snapshot);
}

}  // namespace velo::core
