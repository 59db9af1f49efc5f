// velo branch delete. The rows say "deleting" before anything is touched:
// a delete that velo does not live to finish is finished by the next
// command on the project (core/recover.h). Until the servers are down it
// can still be undone; after that it only goes forward, and every removal
// treats "already gone" as done, so finishing it twice is harmless.
#include <fmt/format.h>

#include <set>

#include "core/branch/branch_ops.h"
#include "core/branch/logs.h"
#include "core/history/archive_alongside.h"
#include "core/history/retention_ops.h"
#include "core/locks.h"
#include "core/operation.h"
#include "util/fs.h"
#include "util/time_format.h"
#include "util/timings.h"

namespace velo::core {

Status destroy_or_retire(Context& ctx, const std::string& volume, const std::string& snapshot) {
  if (snapshot.empty()) {
    // Kept as history while needed; gc removes it once nothing refers to it.
    VELO_ASSIGN_OR_RETURN(bool in_use, volume_in_use(ctx, volume));
    if (in_use) return ctx.store.delete_retired(volume, "");
  }
  Status status = snapshot.empty() ? ctx.driver.destroy_volume(volume)
                                   : ctx.driver.destroy_snapshot(volume, snapshot);
  if (status.ok() || status.error().kind == ErrorKind::NotFound) {
    return ctx.store.delete_retired(volume, snapshot);
  }
  if (status.error().kind != ErrorKind::Conflict) return status;
  return ctx.store.insert_retired({volume, snapshot, format_utc(ctx.clock.now())});
}

Status delete_branch_tree(Context& ctx, BranchHandle& handle, std::vector<std::string>* kept_logs) {
  VELO_ASSIGN_OR_RETURN(auto children, ctx.store.children(handle.project.name, handle.branch.name));
  for (const auto& child : children) {
    VELO_ASSIGN_OR_RETURN(auto child_handle, load_branch(ctx, child.project, child.name));
    VELO_TRY(delete_branch_tree(ctx, child_handle, kept_logs));
  }
  ctx.reporter.step(fmt::format("deleting {}/{}", handle.project.name, handle.branch.name));
  {
    timings::Scope span("stop");
    // Down already, unless this finishes what a killed command left.
    // Immediate: the data goes next, so a shutdown checkpoint would only
    // write pages nobody reads again.
    VELO_ASSIGN_OR_RETURN(bool running, is_running(handle));
    if (running) VELO_TRY(handle.runtime->stop_immediately(handle.spec));
    // After the stop, so that the server's last lines are in it; before the
    // removal, which takes a container's log along.
    if (kept_logs != nullptr) {
      VELO_ASSIGN_OR_RETURN(std::string kept, keep_log(ctx, handle));
      if (!kept.empty()) kept_logs->push_back(kept);
    }
    VELO_TRY(handle.runtime->remove(handle.spec));
  }
  timings::Scope span("remove");
  if (handle.hooks != nullptr) handle.hooks->removed(handle);
  // The branch's own snapshots go with its volume, and with the volumes of
  // its earlier incarnations that were kept for them (reset_branch).
  VELO_ASSIGN_OR_RETURN(auto snapshots,
                        ctx.store.snapshots(handle.project.name, handle.branch.name));
  std::set<std::string> volumes{handle.branch.volume};
  for (const auto& snapshot : snapshots) {
    volumes.insert(snapshot.volume);
    VELO_TRY(ctx.store.delete_snapshot(snapshot.id));
  }
  VELO_TRY(alongside_archive_removal(ctx, handle.branch.volume, [&]() -> Status {
    for (const auto& volume : volumes) VELO_TRY(destroy_or_retire(ctx, volume, ""));
    return Status::Ok();
  }));
  // The snapshot made on the parent for this branch goes with it, unless
  // the parent's retention window or another branch still keeps it.
  VELO_TRY(release_base_snapshot(ctx, handle.branch));
  VELO_TRY(ctx.store.delete_branch(handle.project.name, handle.branch.name));
  // The parent's earlier incarnation, kept while this branch needed it.
  if (!handle.branch.parent_volume.empty()) {
    VELO_TRY(destroy_history(ctx, handle.branch.parent_volume));
  }
  (void)remove_tree(handle.spec.log_path);
  return Status::Ok();
}

Result<bool> volume_in_use(Context& ctx, const std::string& volume) {
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots());
  for (const auto& s : snapshots) {
    if (s.volume == volume) return true;
  }
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches());
  for (const auto& b : branches) {
    if (b.parent_volume == volume) return true;
  }
  return false;
}

Status destroy_history(Context& ctx, const std::string& volume) {
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches());
  for (const auto& b : branches) {
    if (b.volume == volume) return Status::Ok();  // a live branch's, not history
  }
  return destroy_or_retire(ctx, volume, "");
}

Status retry_retired(Context& ctx, const std::string& project) {
  // A retired snapshot can go only after the retired clone of it: repeat
  // while a pass makes progress.
  for (bool progress = true; progress;) {
    progress = false;
    VELO_ASSIGN_OR_RETURN(auto retired, ctx.store.retired());
    for (const auto& r : retired) {
      if (r.volume.rfind(project + ".", 0) != 0) continue;
      VELO_TRY(destroy_or_retire(ctx, r.volume, r.snapshot));
      VELO_ASSIGN_OR_RETURN(auto still, ctx.store.retired());
      progress = progress || still.size() < retired.size();
      if (progress) break;
    }
  }
  return Status::Ok();
}

namespace {

// The branch and everything below it, deepest first: the branch is last.
Status collect_tree(Context& ctx, BranchHandle handle, std::vector<BranchHandle>& tree) {
  VELO_ASSIGN_OR_RETURN(auto children, ctx.store.children(handle.project.name, handle.branch.name));
  for (const auto& child : children) {
    VELO_ASSIGN_OR_RETURN(auto child_handle, load_branch(ctx, child.project, child.name));
    VELO_TRY(collect_tree(ctx, std::move(child_handle), tree));
  }
  tree.push_back(std::move(handle));
  return Status::Ok();
}

}  // namespace

Status mark_branches(Context& ctx, std::vector<BranchHandle>& branches, const std::string& status) {
  return ctx.store.transaction([&]() -> Status {
    for (auto& handle : branches) {
      handle.branch.status = status;
      VELO_TRY(ctx.store.update_branch(handle.branch));
    }
    return Status::Ok();
  });
}

Status stop_for_delete(Operation& op, Context& ctx, std::vector<BranchHandle>& branches) {
  return op.step("stop", [&]() -> Status {
    // Immediate: the data goes next, so a shutdown checkpoint would only
    // write pages nobody reads again.
    for (BranchHandle& handle : branches) {
      VELO_ASSIGN_OR_RETURN(bool running, is_running(handle));
      if (!running) continue;
      op.undo("the server of " + handle.project.name + "/" + handle.branch.name,
              [&ctx, &handle] { return start_and_wait(ctx, handle); });
      VELO_TRY(handle.runtime->stop_immediately(handle.spec));
    }
    return Status::Ok();
  });
}

Status delete_branch(Context& ctx, const BranchName& name, bool force,
                     std::vector<std::string>* kept_logs) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  if (!handle.branch.parent) {
    return make_error(ErrorKind::Invalid,
                      "{} is the project's root branch: use 'velo project delete {}'", name.full(),
                      name.project);
  }
  VELO_ASSIGN_OR_RETURN(auto children, ctx.store.children(name.project, name.branch));
  if (!children.empty() && !force) {
    std::string names;
    for (const auto& child : children)
      names += (names.empty() ? "" : ", ") + name.project + "/" + child.name;
    return make_error(ErrorKind::Conflict,
                      "{} has child branches ({}): delete them first, or use --force to delete "
                      "them too",
                      name.full(), names);
  }
  std::vector<BranchHandle> tree;
  VELO_TRY(collect_tree(ctx, handle, tree));
  Operation op("branch-delete", fmt::format("branch {} was not deleted", name.full()));
  VELO_TRY(op.step("record", [&] { return mark_branches(ctx, tree, "deleting"); }));
  op.undo("the state rows", [&] { return mark_branches(ctx, tree, "ready"); });
  VELO_TRY(stop_for_delete(op, ctx, tree));
  VELO_TRY(op.step("commit", [] { return Status::Ok(); }));
  op.commit();
  op.cleanup("removing its data", [&]() -> Status {
    VELO_TRY(delete_branch_tree(ctx, tree.back(), kept_logs));
    // What this branch kept alive (an earlier incarnation's volume, say)
    // may go now.
    return retry_retired(ctx, name.project);
  });
  return Status::Ok();
}

}  // namespace velo::core
