#include "core/project/project_ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "core/branch/branch_ops.h"
#include "core/history/wal_archive.h"
#include "core/import/follow_ops.h"
#include "core/locks.h"
#include "core/names.h"
#include "core/ports.h"
#include "core/secrets.h"
#include "core/undo.h"
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
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.project(options.name));
  if (existing) return make_error(ErrorKind::Conflict, "project {} already exists", options.name);
  return Status::Ok();
}

}  // namespace

Result<BranchHandle> reserve_project(Context& ctx, const state::ProjectRecord& project,
                                     const std::string& main_password, runtime::Runtime* runtime,
                                     UndoStack& undo) {
  state::BranchRecord main;
  main.project = project.name;
  main.name = "main";
  main.status = "creating";
  main.password = main_password;
  main.created_at = project.created_at;
  main.archive = true;
  VELO_TRY(ctx.store.transaction([&]() -> Status {
    VELO_ASSIGN_OR_RETURN(int port, pick_port(ctx));
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
    main.port = port;
    main.volume = fmt::format("{}.main.{}", project.name, id);
    VELO_TRY(ctx.store.insert_project(project));
    return ctx.store.insert_branch(main);
  }));
  const std::string name = project.name;
  const std::string volume = main.volume;
  undo.push("the state rows", [&ctx, name]() -> Status {
    VELO_TRY(ctx.store.delete_branch(name, "main"));
    return ctx.store.delete_project(name);
  });
  VELO_TRY(ctx.driver.create_volume(volume));
  undo.push("the volume", [&ctx, volume] { return ctx.driver.destroy_volume(volume); });
  undo.push("the WAL archive", [&ctx, volume] { return remove_archive(ctx.config, volume); });
  BranchHandle handle = make_handle(ctx, project, main, runtime);
  return handle;
}

Result<BranchHandle> create_project(Context& ctx, const CreateProjectOptions& options) {
  VELO_TRY(validate_name("project", options.name));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, options.name));
  VELO_TRY(validate(ctx, options));
  VELO_ASSIGN_OR_RETURN(runtime::Runtime * runtime, ctx.runtimes.get(options.runtime));
  // Before anything is made: the binaries, or the engine and the image.
  VELO_TRY(runtime->check(options.pg_version, options.image));

  UndoStack undo;
  state::ProjectRecord project;
  project.name = options.name;
  project.pg_version = options.pg_version;
  project.runtime = options.runtime;
  project.image = options.image;
  project.superuser = "postgres";
  project.archive_timeout_s = options.archive_timeout_s;
  VELO_ASSIGN_OR_RETURN(project.password, generate_password());
  project.created_at = format_utc(ctx.clock.now());
  VELO_ASSIGN_OR_RETURN(BranchHandle handle,
                        reserve_project(ctx, project, project.password, runtime, undo));
  ctx.reporter.step(
      fmt::format("initialising {}/main (PostgreSQL {})", project.name, project.pg_version));
  VELO_TRY(runtime->init_cluster(handle.spec, project.superuser, project.password));
  VELO_TRY(pg::write_hba(handle.spec.data_dir));
  VELO_TRY(prepare_data_dir(handle));
  VELO_TRY(start_and_wait(ctx, handle));
  undo.push("the server", [&]() -> Status {
    VELO_TRY(stop_server(handle));
    return runtime->remove(handle.spec);
  });
  handle.branch.status = "ready";
  VELO_TRY(ctx.store.update_branch(handle.branch));
  undo.commit();
  return handle;
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
  DeleteProjectResult result;
  bool has_main = std::any_of(branches.begin(), branches.end(),
                              [](const auto& branch) { return branch.name == "main"; });
  if (has_main) {
    VELO_ASSIGN_OR_RETURN(result.warning, release_source_slot(ctx, name));
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
  VELO_TRY(ctx.store.delete_project(name));
  return result;
}

}  // namespace velo::core
