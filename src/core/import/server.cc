// The steps of an import from a running server, each with its undo:
// probe the source, reserve the rows, make the volume, pg_basebackup,
// hand the files to the server's user, velo's files, start, velo's
// password or the standby's first streaming, commit.
#include "core/import/server.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <thread>

#include "core/history/wal_archive.h"
#include "core/import/area.h"
#include "core/import/basebackup.h"
#include "core/import/source.h"
#include "core/locks.h"
#include "core/names.h"
#include "core/project/project_ops.h"
#include "core/secrets.h"
#include "core/undo.h"
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

  UndoStack undo;
  state::ProjectRecord project;
  project.name = options.project.name;
  project.pg_version = options.project.pg_version;
  project.runtime = options.project.runtime;
  project.image = options.project.image;
  project.superuser = info.bootstrap_superuser;
  project.archive_timeout_s = options.project.archive_timeout_s;
  VELO_ASSIGN_OR_RETURN(project.password, generate_password());
  project.created_at = format_utc(ctx.clock.now());
  // No password for main yet: velo reaches the copy through its socket
  // until it sets one (core/import_area.h).
  VELO_ASSIGN_OR_RETURN(BranchHandle handle, reserve_project(ctx, project, "", runtime, undo));
  const std::string& data_dir = handle.spec.data_dir;

  BaseBackupRequest request{bin_dir_for(info.major), source.params, data_dir, options.slot,
                            "velo import " + options.project.name};
  ctx.reporter.step(fmt::format("copying {} into {}/main with pg_basebackup", shown, project.name));
  if (!options.slot.empty()) {
    undo.push("the replication slot",
              [&] { return drop_slot(ctx.pg, source.params, options.slot); });
  }
  VELO_TRY(run_basebackup(ctx.runner, ctx.clock, request, info.total_bytes, options.progress));
  // pg_basebackup ran here, as velo's user: the server's user (the
  // image's postgres, for docker) gets the copy and the archive it writes.
  VELO_TRY(make_archive_dir(handle.spec.archive_dir));
  VELO_TRY(runtime->adopt_data_dir(handle.spec));
  VELO_TRY(write_import_files(data_dir, project.superuser, ctx.config.os_user));
  if (options.follow) {
    FollowConfig follow;
    follow.slot = options.slot;
    follow.source = shown;
    std::string passfile;
    if (options.save_credentials) {
      VELO_TRY(write_passfile(data_dir, saved));
      passfile = passfile_path(data_dir);
    }
    follow.conninfo =
        pg::conninfo_without_password(source.params, passfile, "velo_" + project.name);
    VELO_TRY(write_follow(data_dir, follow));
  }
  VELO_TRY(prepare_data_dir(handle));
  ctx.reporter.step(fmt::format("starting {}/main", project.name));
  undo.push("the server", [&]() -> Status {
    VELO_TRY(stop_server(handle));
    return runtime->remove(handle.spec);
  });
  VELO_TRY(start_and_wait(ctx, handle));
  if (options.follow) {
    VELO_TRY(wait_streaming(ctx, handle, std::chrono::seconds(60)));
  } else {
    VELO_TRY(apply_password(ctx, handle, "", project.password));
    handle.branch.password = project.password;
  }
  handle.branch.status = "ready";
  VELO_TRY(ctx.store.update_branch(handle.branch));
  undo.commit();
  return handle;
}

}  // namespace velo::core
