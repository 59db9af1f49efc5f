#include "cli/cmd_import.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "app/reports.h"
#include "cli/output.h"
#include "cli/progress_display.h"
#include "core/branch/inspect.h"
#include "core/import/dump.h"
#include "core/import/follow_ops.h"
#include "core/import/progress.h"
#include "core/import/server.h"
#include "pg/source_url.h"

namespace velo::cli {
namespace {

Status unfollow(const GlobalOptions& global, const std::string& name) {
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto result, core::unfollow_project(env->ctx(), name));
  if (!result.warning.empty()) fmt::print(stderr, "velo: warning: {}\n", result.warning);
  if (global.json) {
    print_json(
        {{"project", name},
         {"promoted", true},
         {"warning", result.warning.empty() ? nlohmann::json() : nlohmann::json(result.warning)}});
  } else {
    fmt::print("{}/main no longer follows its source: promoted, writable\n", name);
  }
  return Status::Ok();
}

}  // namespace

void add_import_flags(CLI::App& create, ImportFlags& flags) {
  create.add_option("--from", flags.from,
                    "copy a running server: postgres://USER@HOST:PORT/DB (password from the URL, "
                    "PGPASSWORD or ~/.pgpass)");
  create.add_option("--from-dump", flags.from_dump,
                    "restore a pg_dump archive (custom, directory or plain SQL)");
  create.add_flag("--follow", flags.follow, "with --from: keep main a streaming standby");
  create.add_option("--slot", flags.slot, "with --follow: create and use this replication slot");
  create.add_flag("--save-credentials", flags.save_credentials,
                  "with --follow: keep the source password in main's data directory (0600) "
                  "for its replication connection");
  create.add_option("--jobs", flags.jobs, "with --from-dump: parallel restore jobs (default 1)");
}

Status check_import_flags(const ImportFlags& flags) {
  if (!flags.from.empty() && !flags.from_dump.empty()) {
    return make_error(ErrorKind::Invalid, "--from and --from-dump exclude each other");
  }
  if (flags.from.empty() && (flags.follow || !flags.slot.empty() || flags.save_credentials)) {
    return make_error(ErrorKind::Invalid, "--follow, --slot and --save-credentials go with --from");
  }
  if (flags.from_dump.empty() && flags.jobs != 1) {
    return make_error(ErrorKind::Invalid, "--jobs goes with --from-dump");
  }
  return Status::Ok();
}

Status run_import(const GlobalOptions& global, const core::CreateProjectOptions& options,
                  const ImportFlags& flags) {
  VELO_TRY(check_import_flags(flags));
  // Flags first: bad input exits 2 before anything is opened or made.
  core::ImportServerOptions server;
  server.project = options;
  server.source_url = flags.from;
  server.follow = flags.follow;
  server.slot = flags.slot;
  server.save_credentials = flags.save_credentials;
  core::ImportDumpOptions dump;
  dump.project = options;
  dump.dump_path = flags.from_dump;
  dump.jobs = flags.jobs;
  if (!flags.from.empty()) VELO_TRY(core::validate_import_server(server));
  if (!flags.from_dump.empty()) VELO_TRY(core::validate_import_dump(dump));

  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  StderrProgress progress(::isatty(STDERR_FILENO) == 1);
  server.progress = dump.progress = &progress;
  auto started = ctx.clock.monotonic();
  std::vector<std::string> created_roles;  // --from-dump only
  auto handle = [&]() -> Result<core::BranchHandle> {
    if (!flags.from.empty()) return core::create_project_from_server(ctx, server);
    VELO_ASSIGN_OR_RETURN(auto imported, core::create_project_from_dump(ctx, dump));
    created_roles = imported.created_roles;
    return std::move(imported.handle);
  }();
  if (!handle.ok()) return handle.error();
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - started);
  core::BranchInfo info = core::describe_branch(ctx, *handle, core::kNoSpace);
  std::string source = flags.from.empty() ? flags.from_dump : pg::redact_url(flags.from);
  if (global.json) {
    auto json = app::branch_json(info);
    json["elapsed_ms"] = elapsed.count();
    nlohmann::json out = {{"project", options.name},
                          {"pg_version", options.pg_version},
                          {"runtime", handle->project.runtime},
                          {"source", source},
                          {"follow", flags.follow},
                          {"main", json}};
    if (!flags.from_dump.empty()) out["roles_created"] = created_roles;
    print_json(out);
    return Status::Ok();
  }
  fmt::print("created project {} from {} in {} ms{}\n", options.name, source, elapsed.count(),
             flags.follow ? " (main follows it as a standby)" : "");
  if (!created_roles.empty()) {
    fmt::print("  created NOLOGIN roles for the dump's owners and grants: {}\n",
               fmt::join(created_roles, ", "));
  }
  fmt::print("  {}/main  {}\n", options.name, info.url);
  return Status::Ok();
}

CommandRow unfollow_command() {
  return command<std::string>(
      {"project", "unfollow"},
      "promote a following main: stop replicating from the source, become writable",
      [](CLI::App& cmd, std::string& name) {
        cmd.add_option("name", name, "project name")->required();
      },
      unfollow);
}

std::string follow_text(const nlohmann::json& follow) {
  if (follow.is_null()) return "";
  std::string text = fmt::format(
      "follows    {}{}\n", follow.value("source", ""),
      follow["slot"].is_null() ? "" : " (slot " + follow["slot"].get<std::string>() + ")");
  if (!follow.value("running", false)) return text + "replay     main is stopped\n";
  std::string receiver = follow.value("receiver", "");
  std::string lag = "lag        ";
  lag += follow["lag_bytes"].is_null() ? "? bytes"
                                       : core::format_bytes(follow["lag_bytes"].get<uint64_t>());
  lag += follow["lag_seconds"].is_null()
             ? ""
             : fmt::format(", {:.1f} s", follow["lag_seconds"].get<double>());
  return text + "receiver   " + (receiver.empty() ? "not connected" : receiver) + "\n" + lag + "\n";
}

}  // namespace velo::cli
