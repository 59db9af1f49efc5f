// An import from a running server: checks first (the source, its tools,
// the slot), then the steps of one Operation, each with its undo: reserve
// the rows, make the volume, pg_basebackup, prepare (hand the files to the
// server's user, velo's files), start, velo's password or the standby's
// first streaming, commit.
#include "core/import/server.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <thread>

#include "core/branch/connection.h"
#include "core/branch/max_size.h"
#include "core/history/wal_archive.h"
#include "core/import/area.h"
#include "core/import/basebackup.h"
#include "core/import/source.h"
#include "core/locks.h"
#include "core/names.h"
#include "core/operation.h"
#include "core/project/project_ops.h"
#include "core/secrets.h"
#include "pg/source_url.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

std::string bin_dir_for(const std::string& major) {
  return "/usr/lib/postgresql/" + major + "/bin";
}

Status check_client_tools(const std::string& major) {
  std::string program = bin_dir_for(major) + "/pg_basebackup";
  if (::access(program.c_str(), X_OK) == 0) return Status::Ok();
  return make_error(ErrorKind::Unavailable, "{} is missing (apt-get install postgresql-client-{})",
                    program, major);
}

Status drop_slot(pg::Client& client, const pg::ConnParams& source, const std::string& slot) {
  VELO_ASSIGN_OR_RETURN(auto conn, connect_source(client, source));
  return conn->query(
                 "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                 "WHERE slot_name = $1",
                 {slot})
                 .ok()
             ? Status::Ok()
             : make_error(ErrorKind::Io, "cannot drop replication slot {} on the source", slot);
}

Status check_slot_free(pg::Client& client, const pg::ConnParams& source, const std::string& slot) {
  VELO_ASSIGN_OR_RETURN(auto conn, connect_source(client, source));
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      conn->query("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", {slot}));
  if (rows.at(0).at(0) == "0") return Status::Ok();
  return make_error(ErrorKind::Conflict,
                    "the source already has a replication slot named {}: "
                    "choose another --slot, or drop it there",
                    slot);
}

// A standby that cannot log in to its source would sit there forever,
// looking healthy: wait until its walreceiver streams, or say why not.
Status wait_streaming(Context& ctx, BranchHandle& handle, std::chrono::seconds timeout) {
  auto deadline = ctx.clock.monotonic() + timeout;
  while (true) {
    auto conn = ctx.pg.connect(conn_params(handle));
    if (conn.ok()) {
      auto rows = (*conn)->query("SELECT status FROM pg_stat_wal_receiver");
      if (rows.ok() && !rows->empty() && rows->at(0).at(0) == "streaming") return Status::Ok();
    }
    // The walreceiver logs why it cannot connect: no need to wait it out.
    std::string log = handle.runtime->log_tail(handle.spec, 20);
    auto failed = log.find("could not connect to the primary server");
    if (failed != std::string::npos) {
      auto end = log.find('\n', failed);
      return make_error(ErrorKind::Unavailable,
                        "{}/main started as a standby but does not stream from the source: {} "
                        "(with --follow the server's OS user needs the source password: "
                        "--save-credentials, or its ~/.pgpass)",
                        handle.project.name, pg::redact_url(log.substr(failed, end - failed)));
    }
    if (ctx.clock.monotonic() >= deadline) {
      return make_error(ErrorKind::Unavailable,
                        "{}/main started as a standby but does not stream from the source within "
                        "{} s (does the server's OS user find the source password? see "
                        "--save-credentials); last log lines:\n{}",
                        handle.project.name, timeout.count(),
                        handle.runtime->log_tail(handle.spec, 5));
    }
    ctx.clock.sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

namespace {

// One import from a running server: the operation's state between its
// steps. `source`, `info` and `saved` come from the checks made before.
class ServerImport {
 public:
  ServerImport(Context& ctx, const ImportServerOptions& options, const pg::SourceUrl& source,
               const SourceInfo& info, const pg::ConnParams& saved, runtime::Runtime* runtime)
      : ctx_(ctx),
        options_(options),
        source_(source),
        info_(info),
        saved_(saved),
        runtime_(runtime),
        shown_(pg::redact_url(pg::to_url(source.params, false))) {}

  Result<BranchHandle> run() {
    project_.name = options_.project.name;
    project_.pg_version = options_.project.pg_version;
    project_.runtime = options_.project.runtime;
    project_.image = options_.project.image;
    project_.superuser = info_.bootstrap_superuser;
    project_.archive_timeout_s = options_.project.archive_timeout_s;
    project_.database = imported_default_database(source_.params.dbname);
    project_.retention_s = options_.project.retention_s;
    project_.snapshot_every_s = options_.project.snapshot_every_s;
    project_.max_size_bytes = options_.project.max_size_bytes;
    project_.branch_settings = options_.project.branch_settings;
    VELO_ASSIGN_OR_RETURN(project_.password, generate_password());
    project_.created_at = format_utc(ctx_.clock.now());
    // No password for main yet: velo reaches the copy through its socket
    // until it sets one (core/import/area.h).
    VELO_ASSIGN_OR_RETURN(handle_, reserve_project(ctx_, project_, "", runtime_, op_));
    VELO_TRY(op_.step("basebackup", [&] { return copy(); }));
    VELO_TRY(op_.step("prepare", [&] { return prepare(); }));
    VELO_TRY(op_.step("start", [&] { return start(); }));
    VELO_TRY(op_.step(options_.follow ? "stream" : "password", [&] { return first_contact(); }));
    VELO_TRY(op_.step("commit", [&] {
      handle_.branch.status = "ready";
      return ctx_.store.update_branch(handle_.branch);
    }));
    op_.commit();
    return handle_;
  }

 private:
  Status copy() {
    BaseBackupRequest request{bin_dir_for(info_.major), source_.params, handle_.spec.data_dir,
                              options_.slot, "velo import " + project_.name};
    ctx_.reporter.step(
        fmt::format("copying {} into {}/main with pg_basebackup", shown_, project_.name));
    if (!options_.slot.empty()) {
      op_.undo("the replication slot",
               [this] { return drop_slot(ctx_.pg, source_.params, options_.slot); });
    }
    return run_basebackup(ctx_.runner, ctx_.clock, request, info_.total_bytes, options_.progress);
  }

  // pg_basebackup ran here, as velo's user: the server's user (the
  // image's postgres, for docker) gets the copy and the archive it writes.
  Status prepare() {
    const std::string& data_dir = handle_.spec.data_dir;
    VELO_TRY(make_archive_dir(handle_.spec.archive_dir));
    VELO_TRY(runtime_->adopt_data_dir(handle_.spec));
    VELO_TRY(write_import_files(data_dir, project_.superuser, ctx_.config.os_user));
    if (options_.follow) {
      FollowConfig follow;
      follow.slot = options_.slot;
      follow.source = shown_;
      std::string passfile;
      if (options_.save_credentials) {
        VELO_TRY(write_passfile(data_dir, saved_));
        passfile = passfile_path(data_dir);
      }
      follow.conninfo =
          pg::conninfo_without_password(source_.params, passfile, "velo_" + project_.name);
      VELO_TRY(write_follow(data_dir, follow));
    }
    op_.undo("the cluster's files", [this] {
      discard_prepared(handle_);
      return Status::Ok();
    });
    return prepare_data_dir(handle_);
  }

  Status start() {
    ctx_.reporter.step(fmt::format("starting {}/main", project_.name));
    op_.undo("the server", [this] { return discard_server(handle_); });
    return start_and_wait(ctx_, handle_);
  }

  // A follower streams from its source; a copy gets velo's password.
  Status first_contact() {
    if (options_.follow) return wait_streaming(ctx_, handle_, std::chrono::seconds(60));
    VELO_TRY(apply_password(ctx_, handle_, "", project_.password));
    handle_.branch.password = project_.password;
    return Status::Ok();
  }

  Context& ctx_;
  const ImportServerOptions& options_;
  const pg::SourceUrl& source_;
  const SourceInfo& info_;
  const pg::ConnParams& saved_;
  runtime::Runtime* runtime_;
  const std::string shown_;
  state::ProjectRecord project_;
  BranchHandle handle_;
  Operation op_{"project-import",
                fmt::format("project {} was not imported",
                            options_.project.name)};  // last: its undos run while the rest is alive
};

}  // namespace

Status validate_import_server(const ImportServerOptions& options) {
  VELO_TRY(validate_name("project", options.project.name));
  if (!options.follow && (!options.slot.empty() || options.save_credentials)) {
    return make_error(ErrorKind::Invalid, "--slot and --save-credentials go with --follow");
  }
  if (options.project.runtime != "native" && options.project.runtime != "docker") {
    return make_error(ErrorKind::Invalid, "unknown runtime '{}': use native or docker",
                      options.project.runtime);
  }
  if (options.follow && options.project.runtime != "native") {
    return make_error(ErrorKind::Invalid,
                      "--follow needs the native runtime: a container does "
                      "not reach the source at the address the host uses");
  }
  if (!options.slot.empty() && !std::regex_match(options.slot, std::regex("[a-z0-9_]{1,63}"))) {
    return make_error(ErrorKind::Invalid, "invalid slot name '{}': use [a-z0-9_], at most 63",
                      options.slot);
  }
  return pg::parse_source_url(options.source_url).ok()
             ? Status::Ok()
             : pg::parse_source_url(options.source_url).error();
}

Result<BranchHandle> create_project_from_server(Context& ctx, const ImportServerOptions& options) {
  VELO_TRY(validate_import_server(options));
  VELO_ASSIGN_OR_RETURN(pg::SourceUrl source, pg::parse_source_url(options.source_url));
  const std::string shown = pg::redact_url(pg::to_url(source.params, false));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, options.project.name));
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.project(options.project.name));
  if (existing)
    return make_error(ErrorKind::Conflict, "project {} already exists", options.project.name);
  VELO_TRY(check_max_size(ctx, options.project.max_size_bytes));
  VELO_ASSIGN_OR_RETURN(runtime::Runtime * runtime, ctx.runtimes.get(options.project.runtime));
  VELO_TRY(runtime->check(options.project.pg_version, options.project.image));
  ctx.reporter.step(fmt::format("checking the source {}", shown));
  VELO_ASSIGN_OR_RETURN(SourceInfo info,
                        probe_source(ctx.pg, source.params, options.project.pg_version));
  VELO_TRY(check_client_tools(info.major));
  // The slot's undo drops it: it must be ours, not one that was there.
  if (!options.slot.empty()) VELO_TRY(check_slot_free(ctx.pg, source.params, options.slot));
  // What --save-credentials saves: the password as libpq would use it
  // from the URL or PGPASSWORD (a ~/.pgpass stays where it is).
  pg::ConnParams saved = source.params;
  if (saved.password.empty() && std::getenv("PGPASSWORD") != nullptr) {
    saved.password = std::getenv("PGPASSWORD");
  }
  if (options.save_credentials && saved.password.empty()) {
    return make_error(ErrorKind::Invalid,
                      "--save-credentials needs the password in the URL or "
                      "in PGPASSWORD");
  }

  return ServerImport(ctx, options, source, info, saved, runtime).run();
}

}  // namespace velo::core
