// velo branch create: lock, validate, reserve a row and a port, take the
// source (a fresh snapshot of the parent, or for a point-in-time branch
// the parent's newest snapshot before the target), clone, prepare, start
// (or recover to the target), give the branch its own password, commit.
// Each step registers its undo.
#include <fmt/format.h>

#include "core/branch/branch_ops.h"
#include "core/history/pitr_recover.h"
#include "core/history/pitr_source.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "core/ports.h"
#include "core/secrets.h"
#include "core/undo.h"
#include "util/fs.h"
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
  VELO_TRY(validate_listen_address(options.listen_address));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto parent, load_parent(ctx, options));
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.branch(name.project, name.branch));
  if (existing) return make_error(ErrorKind::Conflict, "branch {} already exists", name.full());
  // A point-in-time branch: validate the target before anything is made.
  std::optional<RecoveryPlan> plan;
  if (options.target) {
    if (!options.start) {
      return make_error(ErrorKind::Invalid,
                        "--no-start does not go with --at or --lsn: the "
                        "branch runs to recover to its target");
    }
    VELO_ASSIGN_OR_RETURN(auto inputs, window_inputs(ctx, parent));
    VELO_ASSIGN_OR_RETURN(plan, plan_recovery(inputs, *options.target));
  }

  UndoStack undo;
  state::BranchRecord record;
  record.project = name.project;
  record.name = name.branch;
  record.parent = parent.branch.name;
  record.status = "creating";
  record.listen_address = options.listen_address;
  record.password = parent.branch.password;
  record.parent_volume = parent.branch.volume;
  record.created_at = format_utc(ctx.clock.now());
  record.archive = options.archive;
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    VELO_ASSIGN_OR_RETURN(int port, pick_port(ctx));
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
    record.port = port;
    record.volume = fmt::format("{}.{}.{}", name.project, name.branch, id);
    if (plan) {
      record.source_snapshot = plan->snapshot.name;
    } else {
      record.base_snapshot = fmt::format("velo-{}", id);
    }
    return ctx.store.insert_branch(record);
  }));
  undo.push("the state row", [&]() -> Status {
    // A failed create leaves no log behind to confuse the next attempt.
    (void)remove_tree(log_path_of(ctx, name.project, name.branch));
    return ctx.store.delete_branch(name.project, name.branch);
  });

  SnapshotPoint point;
  if (plan) {
    VELO_TRY(seal_archive(ctx, parent));
    VELO_TRY(ctx.driver.clone(parent.branch.volume, plan->snapshot.name, record.volume));
  } else {
    ctx.reporter.step(
        fmt::format("snapshotting {}", parent.project.name + "/" + parent.branch.name));
    VELO_ASSIGN_OR_RETURN(point, snapshot_branch(ctx, parent, record.base_snapshot));
    undo.push("the parent's snapshot", [&] {
      return ctx.driver.destroy_snapshot(parent.branch.volume, record.base_snapshot);
    });
    VELO_TRY(ctx.driver.clone(parent.branch.volume, record.base_snapshot, record.volume));
  }
  undo.push("the clone", [&] { return ctx.driver.destroy_volume(record.volume); });

  BranchHandle handle = make_handle(ctx, parent.project, record, parent.runtime);
  undo.push("the WAL archive", [&] { return remove_archive(ctx.config, record.volume); });
  VELO_TRY(prepare_data_dir(handle));
  if (options.start) {
    undo.push("the server", [&] { return discard_server(handle); });
    if (plan) {
      VELO_TRY(recover_to_target(ctx, handle, *plan, parent.spec.archive_dir));
    } else {
      ctx.reporter.step(fmt::format("starting {}", name.full()));
      VELO_TRY(start_and_wait(ctx, handle));
    }
    // Each branch gets its own password: copies of production data must
    // not all open with one key.
    VELO_ASSIGN_OR_RETURN(std::string password, generate_password());
    VELO_TRY(apply_password(ctx, handle, parent.branch.password, password));
    handle.branch.password = password;
  }

  handle.branch.status = "ready";
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    VELO_TRY(ctx.store.update_branch(handle.branch));
    if (plan) return Status::Ok();  // cloned from an existing snapshot, which it does not own
    auto id = ctx.store.insert_snapshot(base_snapshot_record(parent, name.branch, point));
    if (!id.ok()) return id.error();
    return Status::Ok();
  }));
  undo.commit();
  return handle;
}

}  // namespace velo::core
