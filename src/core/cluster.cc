#include "core/cluster.h"

#include <fmt/format.h>

#include "core/branch/server_settings.h"
#include "core/history/archive_alongside.h"
#include "core/history/wal_archive.h"
#include "core/readiness.h"
#include "pg/config_files.h"
#include "util/fs.h"
#include "util/timings.h"

namespace velo::core {

Result<state::ProjectRecord> load_project(Context& ctx, const std::string& name) {
  VELO_ASSIGN_OR_RETURN(auto project, ctx.store.project(name));
  if (!project) return make_error(ErrorKind::NotFound, "no project named '{}'", name);
  return *project;
}

Result<BranchHandle> load_branch(Context& ctx, const std::string& project_name,
                                 const std::string& branch_name) {
  VELO_ASSIGN_OR_RETURN(auto project, load_project(ctx, project_name));
  VELO_ASSIGN_OR_RETURN(auto branch, ctx.store.branch(project_name, branch_name));
  if (!branch) {
    return make_error(ErrorKind::NotFound, "no branch named '{}/{}'", project_name, branch_name);
  }
  VELO_ASSIGN_OR_RETURN(runtime::Runtime * runtime, ctx.runtimes.get(project.runtime));
  return make_handle(ctx, project, *branch, runtime);
}

std::string data_dir_of(Context& ctx, const std::string& volume) {
  return ctx.driver.volume_path(volume) + "/data";
}

std::string log_path_of(Context& ctx, const std::string& project, const std::string& branch) {
  return fmt::format("{}/logs/{}.{}.log", ctx.home, project, branch);
}

BranchHandle make_handle(Context& ctx, const state::ProjectRecord& project,
                         const state::BranchRecord& branch, runtime::Runtime* runtime) {
  runtime::ClusterSpec spec;
  spec.project = project.name;
  spec.branch = branch.name;
  spec.data_dir = data_dir_of(ctx, branch.volume);
  spec.pg_version = project.pg_version;
  spec.image = project.image;
  spec.port = static_cast<int>(branch.port);
  spec.listen_address = branch.listen_address;
  spec.log_path = log_path_of(ctx, project.name, branch.name);
  if (keeps_archive(ctx, branch)) {
    spec.archive_dir = archive_dir_of(ctx.config, ctx.driver, branch.volume);
  }
  return BranchHandle{project, branch, runtime, std::move(spec), ctx.cluster_hooks};
}

pg::ConnParams conn_params(const BranchHandle& handle) {
  pg::ConnParams params;
  params.host = handle.runtime->connect_host(handle.spec);
  params.port = handle.spec.port;
  params.user = handle.project.superuser;
  params.password = handle.branch.password;
  if (handle.hooks != nullptr) handle.hooks->adjust_connection(handle, params);
  return params;
}

pg::Settings velo_settings(BranchHandle& handle) {
  pg::Settings settings = handle.runtime->server_settings(handle.spec);
  // A clone's crash recovery starts by fsyncing every file of the data
  // directory; one syncfs() per filesystem does the same job in a fraction
  // of the time on large directories.
  settings.emplace_back("recovery_init_sync_method", "syncfs");
  // Bounds how far the newest archived WAL lags behind (the runtime's
  // archive_command does the archiving).
  if (!handle.spec.archive_dir.empty()) {
    settings.emplace_back("archive_timeout", std::to_string(handle.project.archive_timeout_s));
  }
  // Sized for a copy few clients use, unless the project or the branch
  // says otherwise; main keeps its own.
  pg::Settings sized =
      branch_server_settings(handle.project, handle.branch, !handle.spec.restore_dir.empty());
  settings.insert(settings.end(), sized.begin(), sized.end());
  if (handle.hooks != nullptr) handle.hooks->add_settings(handle, settings);
  return settings;
}

Status prepare_data_dir(BranchHandle& handle, const pg::Settings& extra) {
  const std::string& data_dir = handle.spec.data_dir;
  VELO_TRY(pg::remove_clone_leftovers(data_dir));
  if (handle.hooks != nullptr) VELO_TRY(handle.hooks->prepare_files(handle));
  // The runtime's adopt_data_dir hands the archive to the server's user.
  if (!handle.spec.archive_dir.empty()) VELO_TRY(make_archive_dir(handle.spec.archive_dir));
  pg::Settings settings = velo_settings(handle);
  settings.insert(settings.end(), extra.begin(), extra.end());
  VELO_TRY(pg::write_velo_conf(data_dir, settings));
  VELO_TRY(pg::ensure_velo_include(data_dir));
  return handle.runtime->adopt_data_dir(handle.spec);
}

// The postmaster's status line in postmaster.pid (line 8): "starting",
// "ready", "standby" or "stopping". Reading it costs nothing, where a
// connection attempt during recovery forks a backend and logs a FATAL.
std::string postmaster_status(const std::string& data_dir) {
  auto text = read_file(data_dir + "/postmaster.pid");
  if (!text.ok()) return "";
  size_t start = 0;
  for (int line = 1; line < 8; ++line) {
    start = text->find('\n', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  size_t end = text->find_first_of(" \n", start);
  return text->substr(start, end == std::string::npos ? std::string::npos : end - start);
}

Status start_and_wait(Context& ctx, BranchHandle& handle, const ReadyWait& wait) {
  {
    timings::Scope span("spawn");
    VELO_TRY(handle.runtime->start(handle.spec));
  }
  if (wait.meanwhile) wait.meanwhile();
  return wait_until_up(ctx, handle, wait);
}

void discard_prepared(const BranchHandle& handle) {
  if (handle.hooks != nullptr) handle.hooks->removed(handle);
}

Status stop_server(BranchHandle& handle) { return handle.runtime->stop(handle.spec); }

Status discard_server(BranchHandle& handle) {
  VELO_TRY(handle.runtime->stop_immediately(handle.spec));
  return handle.runtime->remove(handle.spec);
}

Result<bool> is_running(BranchHandle& handle) {
  VELO_ASSIGN_OR_RETURN(auto state, handle.runtime->state(handle.spec));
  return state == runtime::ClusterState::Running;
}

const std::string& password_in_data_dir(const state::BranchRecord& branch) {
  return branch.clone_password.empty() ? branch.password : branch.clone_password;
}

Status apply_password(Context& ctx, BranchHandle& handle, const std::string& connect_password,
                      const std::string& new_password) {
  VELO_ASSIGN_OR_RETURN(std::string verifier, password_verifier(ctx, handle, new_password));
  return apply_verifier(ctx, handle, connect_password, verifier);
}

Result<std::string> password_verifier(Context& ctx, const BranchHandle& handle,
                                      const std::string& password) {
  timings::Scope span("encrypt");
  return ctx.pg.encrypt_password(handle.project.superuser, password);
}

Status apply_verifier(Context& ctx, BranchHandle& handle, const std::string& connect_password,
                      const std::string& verifier) {
  pg::ConnParams params = conn_params(handle);
  params.password = connect_password;
  // Again: the password changed, and with none (a following import's main)
  // velo goes through the admin socket.
  if (handle.hooks != nullptr) handle.hooks->adjust_connection(handle, params);
  std::unique_ptr<pg::Session> conn;
  {
    timings::Scope span("connect");
    VELO_ASSIGN_OR_RETURN(conn, ctx.pg.connect(params));
  }
  // The commit must be durable before velo hands the password out: a
  // crash right after would otherwise bring the old one back.
  timings::Scope span("alter-role");
  VELO_ASSIGN_OR_RETURN(
      auto rows, conn->query("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
                             {handle.project.superuser, verifier}));
  return conn->exec(rows.at(0).at(0));
}

}  // namespace velo::core
