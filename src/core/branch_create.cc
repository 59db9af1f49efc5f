// velo branch create: lock, validate, reserve a row and a port, snapshot
// the parent, clone, prepare, start, give the branch its own password,
// commit. Each step registers its undo.
#include <fmt/format.h>

#include "core/branch_ops.h"
#include "core/locks.h"
#include "core/ports.h"
#include "core/secrets.h"
#include "core/snapshotter.h"
#include "core/undo.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

Result<BranchHandle> load_parent(Context& ctx, const CreateBranchOptions& options) {
  BranchName parent = options.parent.value_or(BranchName{options.name.project, "main"});
  if (parent.project != options.name.project) {
    return make_error(ErrorKind::Invalid, "the parent {} is in another project than {}",
                      parent.full(), options.name.full());
  }
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, parent.project, parent.branch));
  if (handle.branch.status != "ready") {
    return make_error(ErrorKind::Conflict, "the parent {} is still being created", parent.full());
  }
  return handle;
}

}  // namespace

Result<BranchHandle> create_branch(Context& ctx, const CreateBranchOptions& options) {
  const BranchName& name = options.name;
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto parent, load_parent(ctx, options));
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.branch(name.project, name.branch));
  if (existing) return make_error(ErrorKind::Conflict, "branch {} already exists", name.full());

  UndoStack undo;
  state::BranchRecord record;
  record.project = name.project;
  record.name = name.branch;
  record.parent = parent.branch.name;
  record.status = "creating";
  record.password = parent.branch.password;
  record.parent_volume = parent.branch.volume;
  record.created_at = format_utc(ctx.clock.now());
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    VELO_ASSIGN_OR_RETURN(int port, pick_port(ctx));
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
    record.port = port;
    record.volume = fmt::format("{}.{}.{}", name.project, name.branch, id);
    record.base_snapshot = fmt::format("velo-{}", id);
    return ctx.store.insert_branch(record);
  }));
  undo.push("the state row", [&] { return ctx.store.delete_branch(name.project, name.branch); });

  ctx.reporter.step(fmt::format("snapshotting {}", parent.project.name + "/" + parent.branch.name));
  VELO_ASSIGN_OR_RETURN(auto point, snapshot_branch(ctx, parent, record.base_snapshot));
  undo.push("the parent's snapshot", [&] {
    return ctx.driver.destroy_snapshot(parent.branch.volume, record.base_snapshot);
  });
  VELO_TRY(ctx.driver.clone(parent.branch.volume, record.base_snapshot, record.volume));
  undo.push("the clone", [&] { return ctx.driver.destroy_volume(record.volume); });

  BranchHandle handle{parent.project, record, parent.runtime, {}};
  handle.spec = make_spec(ctx, handle.project, record);
  VELO_TRY(prepare_data_dir(handle));
  if (options.start) {
    ctx.reporter.step(fmt::format("starting {}", name.full()));
    VELO_TRY(start_and_wait(ctx, handle));
    undo.push("the server", [&] { return stop_server(handle); });
    // Each branch gets its own password: copies of production data must
    // not all open with one key.
    VELO_ASSIGN_OR_RETURN(std::string password, generate_password());
    VELO_TRY(apply_password(handle, parent.branch.password, password));
    handle.branch.password = password;
  }

  handle.branch.status = "ready";
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    VELO_TRY(ctx.store.update_branch(handle.branch));
    state::SnapshotRecord snapshot;
    snapshot.project = name.project;
    snapshot.branch = parent.branch.name;
    snapshot.volume = parent.branch.volume;
    snapshot.name = record.base_snapshot;
    snapshot.created_at = point.created_at;
    snapshot.lsn = point.lsn;
    snapshot.kind = "base";
    snapshot.for_branch = name.branch;
    auto id = ctx.store.insert_snapshot(snapshot);
    if (!id.ok()) return id.error();
    return Status::Ok();
  }));
  undo.commit();
  return handle;
}

}  // namespace velo::core
