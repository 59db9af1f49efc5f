// velo branch create | list | show | url | reset | delete | start | stop |
// restart | password
#include <fmt/format.h>

#include "app/reports.h"
#include "cli/cmd_connect.h"
#include "cli/command_table.h"
#include "cli/destructive.h"
#include "cli/output.h"
#include "cli/retention_flags.h"
#include "core/branch/branch_ops.h"
#include "core/branch/inspect.h"
#include "core/branch/max_size.h"
#include "core/branch/origin.h"
#include "core/branch/server_settings.h"
#include "core/history/retention.h"

namespace velo::cli {
namespace {

struct BranchArgs {
  std::string name;
  std::string parent;
  bool no_start = false;
  bool no_archive = false;
  std::string at;   // --at TIME
  std::string lsn;  // --lsn LSN
  std::string listen = core::kDefaultListenAddress;
  std::string max_size;                   // --max-size SIZE|none
  CLI::Option* max_size_given = nullptr;  // create: --max-size was given
  RetentionFlags retention;               // create: a window of the branch's own
  std::vector<std::string> settings;      // create: --setting NAME=VALUE
  bool force = false;
  bool keep_logs = false;
  bool yes = false;                // --yes: no question on a terminal
  CLI::Option* project = nullptr;  // list: given, even if empty
};

// The settings velo gives a branch's server; main keeps its own.
void print_settings(const core::BranchHandle& handle) {
  std::string list;
  for (const auto& [name, value] :
       core::branch_server_settings(handle.project, handle.branch, false)) {
    list += (list.empty() ? "" : ", ") + name + "=" + value;
  }
  fmt::print("  settings {}\n", list.empty() ? "its own (postgresql.conf)" : list);
}

// create and reset (`handle`: with the connection a script needs) and show.
void print_branch(const GlobalOptions& global, const core::BranchInfo& info,
                  std::optional<int64_t> elapsed_ms, const std::string& verb,
                  const core::BranchHandle* handle = nullptr) {
  if (global.json) {
    auto json = app::branch_json(info);
    if (elapsed_ms) json["elapsed_ms"] = *elapsed_ms;
    if (handle != nullptr) {
      json["connection"] = app::connection_object(*handle);
      const auto& cap = handle->branch.max_size_bytes;
      json["max_size_bytes"] = cap ? nlohmann::json(*cap) : nlohmann::json();
      json["settings"] = app::server_settings_json(*handle);
    }
    print_json(json);
    return;
  }
  if (!verb.empty()) {
    fmt::print("{} {}/{}", verb, info.project, info.branch);
    if (elapsed_ms) fmt::print(" in {} ms", *elapsed_ms);
    fmt::print("\n");
  }
  fmt::print(
      "  status   {}\n  parent   {}\n  port     {}\n  url      {}\n  created  {}\n"
      "  storage  {}\n",
      info.status, info.parent ? info.project + "/" + *info.parent : "-", info.port, info.url,
      info.created_at, info.storage);
  if (info.space) {
    const auto& s = *info.space;
    fmt::print("  space    {} unique, {} logical, {} in snapshots, {} WAL archive\n",
               human_bytes(s.space.unique_bytes), human_bytes(s.space.logical_bytes),
               human_bytes(s.space.snapshot_bytes), human_bytes(s.archive_bytes));
  }
  if (handle != nullptr && handle->branch.max_size_bytes)
    fmt::print("  max size {}\n", human_bytes(*handle->branch.max_size_bytes));
  if (handle != nullptr) print_settings(*handle);
  fmt::print("  database {}\n  log      {}\n", info.database,
             info.log.empty() ? "in the container: velo logs " + info.project + "/" + info.branch
                              : info.log);
  if (handle != nullptr) print_password_hint(*handle);
}

Status branch_create(const GlobalOptions& global, const BranchArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  core::CreateBranchOptions options{name, std::nullopt, !args.no_start};
  if (!args.parent.empty()) {
    VELO_ASSIGN_OR_RETURN(options.parent, core::parse_branch_name(args.parent));
  }
  options.archive = !args.no_archive;
  options.listen_address = args.listen;
  if (!args.at.empty()) options.target = core::TargetSpec{core::TargetSpec::Kind::Time, args.at};
  if (!args.lsn.empty()) options.target = core::TargetSpec{core::TargetSpec::Kind::Lsn, args.lsn};
  if (args.max_size_given->count() > 0) {
    VELO_ASSIGN_OR_RETURN(options.max_size, core::parse_max_size(args.max_size));
  }
  VELO_TRY(apply_retention_flags(args.retention, options.retention_s, options.snapshot_every_s));
  VELO_ASSIGN_OR_RETURN(options.settings, core::parse_settings(args.settings, "--setting", false));
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  auto started = ctx.clock.monotonic();
  VELO_ASSIGN_OR_RETURN(auto handle, core::create_branch(ctx, options));
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - started);
  // Space is measured after the clock stopped: scripts read the sizes,
  // people read the time.
  print_branch(global,
               core::describe_branch(ctx, handle, global.json ? core::kFreshSpace : core::kNoSpace),
               elapsed.count(), "created", &handle);
  return Status::Ok();
}

Status branch_list(const GlobalOptions& global, const std::optional<std::string>& project) {
  if (project) VELO_TRY(core::validate_name("project", *project));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto branches,
                        core::describe_branches(
                            env->ctx(), project,
                            global.json ? core::SpaceWanted(core::kListSpaceAge) : core::kNoSpace));
  if (global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& b : branches) list.push_back(app::branch_json(b));
    print_json(list);
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(branches.size());
  for (const auto& b : branches) {
    rows.push_back({b.project + "/" + b.branch, b.parent ? b.project + "/" + *b.parent : "-",
                    b.status, std::to_string(b.port), b.created_at});
  }
  print_table({"BRANCH", "PARENT", "STATUS", "PORT", "CREATED"}, rows);
  return Status::Ok();
}

Status branch_show(const GlobalOptions& global, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(env->ctx(), name.project, name.branch));
  if (global.json) {
    print_json(app::branch_detail_json(env->ctx(), handle));
    return Status::Ok();
  }
  core::BranchInfo info = core::describe_branch(env->ctx(), handle, core::kFreshSpace);
  core::BranchOrigin origin = core::describe_origin(env->ctx(), handle);
  print_branch(global, info, std::nullopt, "");
  fmt::print("  data     {}\n", info.data_dir);
  const auto& cap = handle.branch.max_size_bytes;
  fmt::print("  max size {}\n", cap ? human_bytes(*cap) : "none");
  print_settings(handle);
  auto window = core::policy_of(handle.project, handle.branch);
  fmt::print("  retention {}\n",
             window ? fmt::format("{}, snapshots every {}", core::format_span(window->retention),
                                  core::format_span(window->snapshot_every))
                    : std::string("none (no window of its own)"));
  if (!origin.snapshot.empty()) {
    // The snapshot's time is the moment of the create or the last reset.
    fmt::print("  cloned   {}{}\n", origin.snapshot,
               origin.snapshot_time.empty() ? "" : ", taken " + origin.snapshot_time);
  }
  if (!origin.recovered_to.empty()) fmt::print("  target   {}\n", origin.recovered_to);
  if (!origin.server_version.empty())
    fmt::print("  server   PostgreSQL {}\n", origin.server_version);
  return Status::Ok();
}

Status branch_reset(const GlobalOptions& global, const BranchArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  VELO_TRY(confirm_branch_reset(ctx, name, args.yes));
  auto started = ctx.clock.monotonic();
  VELO_ASSIGN_OR_RETURN(auto handle, core::reset_branch(ctx, name));
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - started);
  print_branch(global,
               core::describe_branch(ctx, handle, global.json ? core::kFreshSpace : core::kNoSpace),
               elapsed.count(), "reset", &handle);
  return Status::Ok();
}

using BranchAction = std::function<Status(core::Context&, const core::BranchName&)>;

// delete, start, stop, restart: act, then say so.
Status simple_action(const GlobalOptions& global, const std::string& text, const std::string& verb,
                     const BranchAction& act) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, global);
  VELO_TRY(act(env->ctx(), name));
  if (global.json)
    print_json({{"name", name.full()}, {"result", verb}});
  else
    fmt::print("{} {}\n", verb, name.full());
  return Status::Ok();
}

Status branch_password(const GlobalOptions& global, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto password, core::rotate_password(env->ctx(), name));
  (void)password;  // on a terminal only through `velo branch url`, never echoed
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(env->ctx(), name.project, name.branch));
  if (global.json) {
    print_json({{"name", name.full()},
                {"result", "password changed"},
                {"connection", app::connection_object(handle)}});
  } else {
    fmt::print("new password set for {}\n  url      {}\n", name.full(),
               core::describe_branch(env->ctx(), handle, core::kNoSpace).url);
    print_password_hint(handle);
  }
  return Status::Ok();
}

void declare_name(CLI::App& cmd, BranchArgs& args) {
  cmd.add_option("branch", args.name, "PROJECT/BRANCH")->required();
}

void declare_create(CLI::App& cmd, BranchArgs& args) {
  declare_name(cmd, args);
  cmd.add_option("--parent", args.parent, "PROJECT/BRANCH to branch from (default PROJECT/main)");
  cmd.add_flag("--no-start", args.no_start, "leave the new branch stopped");
  cmd.add_option("--listen", args.listen,
                 "accept connections on ADDRESS instead of 127.0.0.1 (0.0.0.0 or * for every "
                 "interface; the password is still required)");
  cmd.add_flag("--no-archive", args.no_archive,
               "do not archive the branch's WAL (no point-in-time branches from it)");
  auto* at = cmd.add_option("--at", args.at,
                            "branch from the parent as it was at TIME: RFC 3339 with a zone "
                            "(2026-11-24T10:00:00Z) or relative (\"5 minutes ago\")");
  cmd.add_option("--lsn", args.lsn, "branch from the parent as it was at WAL position LSN")
      ->excludes(at);
  args.max_size_given = cmd.add_option(
      "--max-size", args.max_size,
      "cap what the branch may write at SIZE (20G, 512M; none: no cap, not even the project's "
      "default) with the storage's quota; past it, its writes fail as on a full disk");
  declare_retention_flags(cmd, args.retention, "the branch");
  cmd.add_option("--setting", args.settings,
                 "NAME=VALUE: a PostgreSQL setting of the branch's server, over its project's "
                 "and velo's defaults for branches (shared_buffers=256MB); repeatable");
}

void declare_list(CLI::App& cmd, BranchArgs& args) {
  args.project = cmd.add_option("project", args.name, "only this project");
}

void declare_yes(CLI::App& cmd, BranchArgs& args) {
  cmd.add_flag("-y,--yes", args.yes, "do not ask first (velo asks only a person at a terminal)");
}

void declare_reset(CLI::App& cmd, BranchArgs& args) {
  declare_name(cmd, args);
  declare_yes(cmd, args);
}

void declare_delete(CLI::App& cmd, BranchArgs& args) {
  declare_name(cmd, args);
  declare_yes(cmd, args);
  cmd.add_flag("--force", args.force, "also delete its child branches");
  cmd.add_flag("--keep-logs", args.keep_logs,
               "keep the server log in $VELO_HOME/logs/deleted/ (velo gc removes it after 7 "
               "days)");
}

// A branch command whose handler needs the name alone.
CommandRow named(const char* verb, const char* help,
                 Status (*run)(const GlobalOptions&, const std::string&)) {
  return command<BranchArgs>(
      {"branch", verb}, help, declare_name,
      [run](const GlobalOptions& g, const BranchArgs& a) { return run(g, a.name); });
}

// start, stop, restart: act on the named branch, then say so.
CommandRow simple(const char* verb, const char* help, const char* done, const BranchAction& act) {
  return command<BranchArgs>({"branch", verb}, help, declare_name,
                             [done, act](const GlobalOptions& g, const BranchArgs& a) {
                               return simple_action(g, a.name, done, act);
                             });
}

Status branch_delete(const GlobalOptions& global, const BranchArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  VELO_OPEN_ENV(env, global);
  VELO_TRY(confirm_branch_delete(env->ctx(), name, args.force, args.yes));
  std::vector<std::string> kept;
  VELO_TRY(core::delete_branch(env->ctx(), name, args.force, args.keep_logs ? &kept : nullptr));
  if (global.json) {
    nlohmann::json json = {{"name", name.full()}, {"result", "deleted"}};
    if (args.keep_logs) json["kept_logs"] = kept;
    print_json(json);
    return Status::Ok();
  }
  fmt::print("deleted {}\n", name.full());
  if (!args.keep_logs) return Status::Ok();
  for (const auto& path : kept) fmt::print("  log kept in {}\n", path);
  if (kept.empty()) fmt::print("  no server log to keep\n");
  return Status::Ok();
}

}  // namespace

CommandTable branch_commands() {
  return {
      group("branch", "create, inspect, reset and delete branches"),
      command<BranchArgs>({"branch", "create"},
                          "create a branch: a running copy-on-write clone of its parent",
                          declare_create, branch_create),
      command<BranchArgs>({"branch", "list"}, "list branches with their real state", declare_list,
                          [](const GlobalOptions& g, const BranchArgs& a) {
                            // Given but empty is a bad name, not "all projects".
                            return branch_list(g, a.project->count() > 0
                                                      ? std::optional<std::string>(a.name)
                                                      : std::nullopt);
                          }),
      named("show", "show one branch", branch_show),
      branch_url_command(),
      command<BranchArgs>({"branch", "reset"},
                          "bring the branch back to its parent's current state", declare_reset,
                          branch_reset),
      command<BranchArgs>({"branch", "delete"}, "delete a branch and its data", declare_delete,
                          branch_delete),
      simple("start", "start the branch's server", "started", core::start_branch),
      simple("stop", "stop the branch's server", "stopped", core::stop_branch),
      simple("restart", "restart the branch's server", "restarted", core::restart_branch),
      named("password", "give the branch a new generated password", branch_password),
  };
}

}  // namespace velo::cli
