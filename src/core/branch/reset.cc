// velo branch reset: a new clone of the parent's current state takes the
// old one's place. The new clone is made and prepared before the old
// server stops; if the new one fails to start, the old one comes back.
#include <fmt/format.h>

#include "core/branch/branch_ops.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "core/undo.h"

namespace velo::core {

Result<BranchHandle> reset_branch(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto old, load_branch(ctx, name.project, name.branch));
  if (!old.branch.parent) {
    return make_error(ErrorKind::Invalid, "{} has no parent to reset to", name.full());
  }
  VELO_ASSIGN_OR_RETURN(auto parent, load_branch(ctx, name.project, *old.branch.parent));

  UndoStack undo;
  state::BranchRecord record = old.branch;
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
    record.volume = fmt::format("{}.{}.{}", name.project, name.branch, id);
    record.base_snapshot = fmt::format("velo-{}", id);
    record.parent_volume = parent.branch.volume;
    record.source_snapshot.clear();  // a point-in-time branch's source no longer serves it
    return Status::Ok();
  }));
  ctx.reporter.step(fmt::format("snapshotting {}/{}", name.project, parent.branch.name));
  VELO_ASSIGN_OR_RETURN(auto point, snapshot_branch(ctx, parent, record.base_snapshot));
  undo.push("the parent's snapshot", [&] {
    return ctx.driver.destroy_snapshot(parent.branch.volume, record.base_snapshot);
  });
  VELO_TRY(ctx.driver.clone(parent.branch.volume, record.base_snapshot, record.volume));
  undo.push("the new clone", [&] { return ctx.driver.destroy_volume(record.volume); });

  BranchHandle fresh = make_handle(ctx, old.project, record, old.runtime);
  VELO_TRY(prepare_data_dir(fresh));

  VELO_ASSIGN_OR_RETURN(bool was_running, is_running(old));
  VELO_TRY(stop_server(old));
  undo.push("stopping the old server",
            [&] { return was_running ? start_and_wait(ctx, old) : Status::Ok(); });
  VELO_TRY(old.runtime->remove(old.spec));
  VELO_TRY(ctx.store.update_branch(record));
  undo.push("the state row", [&] { return ctx.store.update_branch(old.branch); });
  // The clone carries the parent's password; the branch keeps its own,
  // which takes a running server to set (a stopped branch stops again).
  undo.push("the new server", [&] { return discard_server(fresh); });
  VELO_TRY(start_and_wait(ctx, fresh));
  VELO_TRY(apply_password(ctx, fresh, parent.branch.password, record.password));
  if (!was_running) VELO_TRY(stop_server(fresh));
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    auto id = ctx.store.insert_snapshot(base_snapshot_record(parent, name.branch, point));
    if (!id.ok()) return id.error();
    return Status::Ok();
  }));
  undo.commit();

  // The old incarnation is no longer referenced: remove it, or leave it to
  // gc when children still depend on its snapshots.
  VELO_TRY(ctx.store.delete_snapshot_named(old.branch.parent_volume, old.branch.base_snapshot));
  VELO_TRY(destroy_or_retire(ctx, old.branch.volume, ""));
  VELO_TRY(remove_archive(ctx.config, old.branch.volume));  // its incarnation's WAL
  // A point-in-time branch owns no base snapshot: an empty name here would
  // name the parent's whole volume.
  if (!old.branch.base_snapshot.empty()) {
    VELO_TRY(destroy_or_retire(ctx, old.branch.parent_volume, old.branch.base_snapshot));
  }
  return fresh;
}

}  // namespace velo::core
