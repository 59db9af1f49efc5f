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
Status set_own_password(Context& ctx, BranchHandle& handle) {
  if (handle.branch.clone_password.empty()) return Status::Ok();
  VELO_TRY(apply_password(ctx, handle, handle.branch.clone_password, handle.branch.password));
  handle.branch.clone_password.clear();
  return ctx.store.update_branch(handle.branch);
}

// The desired state `velo status` and `velo start --all` go by.
Status set_stopped_by_user(Context& ctx, BranchHandle& handle, bool stopped) {
  if (handle.branch.stopped_by_user == stopped) return Status::Ok();
  handle.branch.stopped_by_user = stopped;
  return ctx.store.update_branch(handle.branch);
}

}  // namespace

Status start_branch(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  VELO_ASSIGN_OR_RETURN(auto state, handle.runtime->state(handle.spec));
  if (state == runtime::ClusterState::Missing) {
    return make_error(ErrorKind::NotFound, "the data of {} is missing ({}); see velo doctor",
                      name.full(), handle.spec.data_dir);
  }
  if (state != runtime::ClusterState::Running) {
    // Settings may have changed since the last start (velo upgrade, port).
    VELO_TRY(prepare_data_dir(handle));
    VELO_TRY(start_and_wait(ctx, handle));
    VELO_TRY(set_own_password(ctx, handle));
  }
  return set_stopped_by_user(ctx, handle, false);
}

Status stop_branch(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  // Recorded first: a stop cut short is still one the user asked for.
  VELO_TRY(set_stopped_by_user(ctx, handle, true));
  return stop_server(handle);
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
  const std::string old_password = handle.branch.password;
  Operation op("password-rotate", fmt::format("the password of {} was not changed", name.full()));
  VELO_TRY(op.step("apply", [&] { return apply_password(ctx, handle, old_password, password); }));
  // Until the row holds the new password, velo would log in with the old
  // one: a failed write puts the old one back in the server.
  op.undo("the new password", [&] { return apply_password(ctx, handle, password, old_password); });
  VELO_TRY(op.step("commit", [&] {
    return ctx.store.transaction([&]() -> Status {
      state::BranchRecord record = handle.branch;
      record.password = password;
      VELO_TRY(ctx.store.update_branch(record));
      // A project's main password is the project's password.
      if (handle.branch.parent) return Status::Ok();
      return ctx.store.db().run("UPDATE projects SET password = ? WHERE name = ?",
                                {password, name.project});
    });
  }));
  op.commit();
  return password;
}

}  // namespace velo::core
