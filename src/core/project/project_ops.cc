#include "core/project/project_ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "core/branch/branch_ops.h"
#include "core/branch/max_size.h"
#include "core/history/retention.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/import/area.h"
#include "core/import/follow_ops.h"
#include "core/locks.h"
#include "core/names.h"
#include "core/operation.h"
#include "core/ports.h"
#include "core/secrets.h"
#include "pg/config_files.h"
#include "util/fs.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

Status validate(Context& ctx, const CreateProjectOptions& options) {
  VELO_TRY(validate_name("project", options.name));
  if (!std::regex_match(options.pg_version, std::regex("[0-9]{1,2}"))) {
    return make_error(ErrorKind::Invalid,
                      "invalid PostgreSQL version '{}': expected a major "
                      "version such as 15",
                      options.pg_version);
  }
  if (options.runtime != "native" && options.runtime != "docker") {
    return make_error(ErrorKind::Invalid, "unknown runtime '{}': use native or docker",
                      options.runtime);
  }
  if (options.archive_timeout_s < 1 || options.archive_timeout_s > 86400) {
    return make_error(ErrorKind::Invalid,
                      "invalid --archive-timeout {}: expected 1 to 86400 "
                      "seconds",
                      options.archive_timeout_s);
  }
  VELO_TRY(validate_policy(options.retention_s, options.snapshot_every_s));
  VELO_TRY(check_max_size(ctx, options.max_size_bytes));
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.project(options.name));
  if (existing) return make_error(ErrorKind::Conflict, "project {} already exists", options.name);
  return Status::Ok();
}

}  // namespace

Result<BranchHandle> reserve_project(Context& ctx, const state::ProjectRecord& project,
                                     const std::string& main_password, runtime::Runtime* runtime,
                                     Operation& op) {
  state::BranchRecord main;
  main.project = project.name;
  main.name = "main";
  main.status = "creating";
  main.password = main_password;
  main.created_at = project.created_at;
  main.archive = true;
  VELO_TRY(op.step("reserve", [&] {
    return ctx.store.transaction([&]() -> Status {
      VELO_ASSIGN_OR_RETURN(int port, pick_port(ctx));
      VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
      main.port = port;
      main.volume = fmt::format("{}.main.{}", project.name, id);
      VELO_TRY(ctx.store.insert_project(project));
      return ctx.store.insert_branch(main);
    });
  }));
  const std::string name = project.name;
  const std::string volume = main.volume;
  op.undo("the state rows", [&ctx, name]() -> Status {
    // A failed create leaves no log behind to confuse the next attempt.
    (void)remove_tree(log_path_of(ctx, name, "main"));
    VELO_TRY(ctx.store.delete_branch(name, "main"));
    return ctx.store.delete_project(name);
  });
  op.undo("the volume", [&ctx, volume] { return ok_if_absent(ctx.driver.destroy_volume(volume)); });
  VELO_TRY(op.step("volume", [&] { return ctx.driver.create_volume(volume); }));
  op.undo("the WAL archive",
          [&ctx, volume] { return remove_archive(ctx.config, ctx.driver, volume); });
  BranchHandle handle = make_handle(ctx, project, main, runtime);
  if (!handle.spec.archive_dir.empty()) {
    VELO_TRY(op.step("archive-volume", [&] { return create_archive_volume(ctx.driver, volume); }));
  }
  return handle;
}

namespace {

// One project create: the operation's state between its steps.
class ProjectCreation {
 public:
  ProjectCreation(Context& ctx, const CreateProjectOptions& options, runtime::Runtime* runtime,
                  const PopulateMain& populate)
      : ctx_(ctx), options_(options), runtime_(runtime), populate_(populate) {}

  Result<BranchHandle> run() {
    state::ProjectRecord project;
    project.name = options_.name;
    project.pg_version = options_.pg_version;
    project.runtime = options_.runtime;
    project.image = options_.image;
    project.superuser = "postgres";
    project.archive_timeout_s = options_.archive_timeout_s;
    project.retention_s = options_.retention_s;
    project.snapshot_every_s = options_.snapshot_every_s;
    project.max_size_bytes = options_.max_size_bytes;
    project.branch_settings = options_.branch_settings;
    VELO_ASSIGN_OR_RETURN(project.password, generate_password());
    project.created_at = format_utc(ctx_.clock.now());
    VELO_ASSIGN_OR_RETURN(handle_, reserve_project(ctx_, project, project.password, runtime_, op_));
    VELO_TRY(op_.step("init", [&] { return init(project); }));
    VELO_TRY(op_.step("start", [&] { return start(); }));
    if (populate_) VELO_TRY(op_.step("restore", [&] { return populate_(handle_); }));
    VELO_TRY(op_.step("snapshot", [&] { return first_snapshot(); }));
    VELO_TRY(op_.step("commit", [&] {
      handle_.branch.status = "ready";
      return ctx_.store.update_branch(handle_.branch);
    }));
    op_.commit();
    return handle_;
  }

 private:
  Status init(const state::ProjectRecord& project) {
    ctx_.reporter.step(
        fmt::format("initialising {}/main (PostgreSQL {})", project.name, project.pg_version));
    VELO_TRY(runtime_->init_cluster(handle_.spec, project.superuser, project.password));
    // velo's own connections take a private socket (peer) where the host
    // can reach one; a container's is not the host's.
    VELO_TRY(runtime_->serves_host_socket()
                 ? write_peer_access(handle_.spec.data_dir, project.superuser, ctx_.config.os_user)
                 : pg::write_hba(handle_.spec.data_dir));
    op_.undo("the cluster's files", [this] {
      discard_prepared(handle_);
      return Status::Ok();
    });
    return prepare_data_dir(handle_);
  }

  // The undo comes first: a server that started but never became ready
  // (or a container that exited) is removed too.
  Status start() {
    op_.undo("the server", [this] { return discard_server(handle_); });
    return start_and_wait(ctx_, handle_);
  }

  // The start of the retention window: recoverable from here on.
  Status first_snapshot() { return first_window_snapshot(ctx_, op_, handle_); }

  Context& ctx_;
  const CreateProjectOptions& options_;
  runtime::Runtime* runtime_;
  const PopulateMain& populate_;
  BranchHandle handle_;
  Operation op_{"project-create",
                fmt::format("project {} was not created",
                            options_.name)};  // last: its undos run while the rest is alive
};

}  // namespace

Result<BranchHandle> create_project(Context& ctx, const CreateProjectOptions& options,
                                    const PopulateMain& populate) {
  VELO_TRY(validate_name("project", options.name));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, options.name));
  VELO_TRY(validate(ctx, options));
  VELO_ASSIGN_OR_RETURN(runtime::Runtime * runtime, ctx.runtimes.get(options.runtime));
  // Before anything is made: the binaries, or the engine and the image.
  VELO_TRY(runtime->check(options.pg_version, options.image));
  return ProjectCreation(ctx, options, runtime, populate).run();
}

Status set_project_retention(Context& ctx, const std::string& name, int64_t retention_s,
                             int64_t snapshot_every_s) {
  VELO_TRY(validate_name("project", name));
  VELO_TRY(validate_policy(retention_s, snapshot_every_s));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name));
  VELO_ASSIGN_OR_RETURN(auto project, load_project(ctx, name));
  (void)project;
  return ctx.store.update_project_retention(name, retention_s, snapshot_every_s);
}

Result<std::string> finish_project_delete(Context& ctx, const std::string& name) {
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(name));
  std::string warning;
  bool has_main = std::any_of(branches.begin(), branches.end(),
                              [](const auto& branch) { return branch.name == "main"; });
  if (has_main) {
    VELO_ASSIGN_OR_RETURN(warning, release_source_slot(ctx, name));
  }
  // Roots first found, then their subtrees, deepest first.
  for (const auto& branch : branches) {
    if (branch.parent) continue;
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name, branch.name));
    VELO_TRY(delete_branch_tree(ctx, handle));
  }
  VELO_TRY(retry_retired(ctx, name));
  // Whatever snapshot rows remain belong to volumes that are gone.
  VELO_TRY(ctx.store.db().run("DELETE FROM snapshots WHERE project = ?", {name}));
  VELO_TRY(ctx.store.delete_merges(name));
  VELO_TRY(ctx.store.delete_project(name));
  return warning;
}

Result<DeleteProjectResult> delete_project(Context& ctx, const std::string& name, bool force) {
  VELO_TRY(validate_name("project", name));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name));
  VELO_ASSIGN_OR_RETURN(auto project, load_project(ctx, name));
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(name));
  if (branches.size() > 1 && !force) {
    return make_error(ErrorKind::Conflict,
                      "project {} has {} branches besides main: use --force to delete them too",
                      name, branches.size() - 1);
  }
  std::vector<BranchHandle> handles;
  for (const auto& branch : branches) {
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name, branch.name));
    handles.push_back(std::move(handle));
  }
  Operation op("project-delete", fmt::format("project {} was not deleted", name));
  // The intent first: from here, if velo dies, the next command on the
  // project finishes the delete (core/recover.h).
  VELO_TRY(op.step("record", [&] { return mark_branches(ctx, handles, "deleting"); }));
  op.undo("the state rows", [&] { return mark_branches(ctx, handles, "ready"); });
  VELO_TRY(stop_for_delete(op, ctx, handles));
  VELO_TRY(op.step("commit", [] { return Status::Ok(); }));
  op.commit();
  DeleteProjectResult result;
  op.cleanup("removing its data", [&]() -> Status {
    VELO_ASSIGN_OR_RETURN(result.warning, finish_project_delete(ctx, name));
    return Status::Ok();
  });
  return result;
}

}  // namespace velo::core
