// start, stop, restart and password rotation of one branch.
#include "core/branch/branch_ops.h"
#include "core/locks.h"
#include "core/operation.h"
#include "core/secrets.h"

namespace velo::core {
namespace {

// A branch created with --no-start still holds its source's password: its
// first start replaces it with the branch's own, durably, before anyone
// is handed the server.
// After a crash the change may have been made already: then the branch's
// own password is the one that works.
Status set_own_password(Context& ctx, BranchHandle& handle) {
  if (handle.branch.clone_password.empty()) return Status::Ok();
  Status applied =
      apply_password(ctx, handle, handle.branch.clone_password, handle.branch.password);
  if (!applied.ok() &&
      !apply_password(ctx, handle, handle.branch.password, handle.branch.password).ok()) {
    return applied;
  }
  handle.branch.clone_password.clear();
  return ctx.store.update_branch(handle.branch);
}

// The desired state `velo status` and `velo start --all` go by.
Status set_stopped_by_user(Context& ctx, BranchHandle& handle, bool stopped) {
  if (handle.branch.stopped_by_user == stopped) return Status::Ok();
  handle.branch.stopped_by_user = stopped;
  return ctx.store.update_branch(handle.branch);
}

// Starts the branch's server unless it runs; true when it did.
Result<bool> start_server_if_stopped(Context& ctx, BranchHandle& handle) {
  VELO_ASSIGN_OR_RETURN(auto state, handle.runtime->state(handle.spec));
  if (state == runtime::ClusterState::Missing) {
    return make_error(ErrorKind::NotFound, "the data of {}/{} is missing ({}); see velo doctor",
                      handle.project.name, handle.branch.name, handle.spec.data_dir);
  }
  if (state == runtime::ClusterState::Running) return false;
  // Settings may have changed since the last start (velo upgrade, port).
  VELO_TRY(prepare_data_dir(handle));
  VELO_TRY(start_and_wait(ctx, handle));
  return true;
}

// Starts the branch's server unless it runs; its own password set.
Status start_locked(Context& ctx, BranchHandle& handle) {
  VELO_TRY(start_server_if_stopped(ctx, handle));
  return set_own_password(ctx, handle);
}

// The branch's row and, for a project's main, the project's password.
Status save_password_row(Context& ctx, const state::BranchRecord& record) {
  return ctx.store.transaction([&]() -> Status {
    VELO_TRY(ctx.store.update_branch(record));
    if (record.parent) return Status::Ok();
    return ctx.store.db().run("UPDATE projects SET password = ? WHERE name = ?",
                              {record.password, record.project});
  });
}

}  // namespace

Status finish_interrupted(Context& ctx, BranchHandle& handle) {
  if (handle.branch.status != "resetting" && handle.branch.status != "rotating") {
    return Status::Ok();
  }
  if (!handle.branch.stopped_by_user) VELO_TRY(start_locked(ctx, handle));
  handle.branch.status = "ready";
  return ctx.store.update_branch(handle.branch);
}

Status start_branch(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  return start_branch_locked(ctx, handle);
}

Status start_branch_locked(Context& ctx, BranchHandle& handle) {
  const BranchName name{handle.project.name, handle.branch.name};
  Operation op("branch-start", fmt::format("{} was not started", name.full()));
  // Registered first: a server that came up and then failed its checks
  // goes down again.
  bool started = false;
  op.undo("the server", [&]() -> Status { return started ? stop_server(handle) : Status::Ok(); });
  VELO_TRY(op.step("start", [&]() -> Status {
    VELO_ASSIGN_OR_RETURN(started, start_server_if_stopped(ctx, handle));
    return Status::Ok();
  }));
  VELO_TRY(op.step("password", [&] { return set_own_password(ctx, handle); }));
  VELO_TRY(op.step("commit", [&] { return set_stopped_by_user(ctx, handle, false); }));
  op.commit();
  return Status::Ok();
}

Status stop_branch(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  Operation op("branch-stop", fmt::format("{} was not stopped", name.full()));
  // Recorded first: a stop cut short is still one the user asked for.
  const bool was_stopped_by_user = handle.branch.stopped_by_user;
  VELO_TRY(op.step("record", [&] { return set_stopped_by_user(ctx, handle, true); }));
  op.undo("the desired state",
          [&] { return set_stopped_by_user(ctx, handle, was_stopped_by_user); });
  VELO_TRY(op.step("stop", [&] { return stop_server(handle); }));
  op.commit();
  return Status::Ok();
}

Status restart_branch(Context& ctx, const BranchName& name) {
  {
    VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
    VELO_TRY(stop_server(handle));
  }
  return start_branch(ctx, name);
}

Result<std::string> rotate_password(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  VELO_ASSIGN_OR_RETURN(bool running, is_running(handle));
  if (!running) {
    return make_error(ErrorKind::Conflict, "{} is stopped: start it first (velo branch start {})",
                      name.full(), name.full());
  }
  VELO_ASSIGN_OR_RETURN(std::string password, generate_password());
  const state::BranchRecord before = handle.branch;
  Operation op("password-rotate", fmt::format("the password of {} was not changed", name.full()));
  // Recorded first, the old password as clone_password and the status
  // "rotating": if velo dies midway, gc finishes the change
  // (finish_interrupted) whichever password the server holds by then.
  VELO_TRY(op.step("record", [&] {
    handle.branch.password = password;
    handle.branch.clone_password = before.password;
    handle.branch.status = "rotating";
    return save_password_row(ctx, handle.branch);
  }));
  op.undo("the state row", [&] { return save_password_row(ctx, before); });
  VELO_TRY(
      op.step("apply", [&] { return apply_password(ctx, handle, before.password, password); }));
  op.undo("the new password",
          [&] { return apply_password(ctx, handle, password, before.password); });
  VELO_TRY(op.step("commit", [&] {
    handle.branch.clone_password.clear();
    handle.branch.status = before.status;
    return ctx.store.update_branch(handle.branch);
  }));
  op.commit();
  return password;
}

}  // namespace velo::core
