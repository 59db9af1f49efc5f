// velo project create | list | show | delete
#include <fmt/format.h>

#include "app/reports.h"
#include "cli/cmd_connect.h"
#include "cli/cmd_import.h"
#include "cli/cmd_project_set.h"
#include "cli/command_table.h"
#include "cli/destructive.h"
#include "cli/output.h"
#include "cli/retention_flags.h"
#include "core/branch/inspect.h"
#include "core/branch/max_size.h"
#include "core/branch/server_settings.h"
#include "core/names.h"
#include "core/project/create_options.h"
#include "core/project/project_ops.h"

namespace velo::cli {
namespace {

struct CreateArgs {
  core::CreateProjectOptions options;
  ImportFlags import;
  RetentionFlags retention;
  std::string max_size;                      // --max-size SIZE: the default cap of new branches
  std::vector<std::string> branch_settings;  // --branch-setting NAME=VALUE
};

struct DeleteArgs {
  std::string name;
  bool force = false;
  bool yes = false;  // --yes: no question on a terminal
};

Status plain_create(const GlobalOptions& global, const core::CreateProjectOptions& options) {
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  auto started = ctx.clock.monotonic();
  VELO_ASSIGN_OR_RETURN(auto handle, core::create_project(ctx, options));
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - started);
  core::BranchInfo info = core::describe_branch(ctx, handle, core::kNoSpace);
  if (global.json) {
    auto json = app::branch_json(info);
    json["elapsed_ms"] = elapsed.count();
    print_json({{"project", options.name},
                {"pg_version", options.pg_version},
                {"runtime", options.runtime},
                {"main", json}});
  } else {
    fmt::print("created project {} (PostgreSQL {}, {} runtime) in {} ms\n", options.name,
               options.pg_version, options.runtime, elapsed.count());
    fmt::print("  {}/main  {}\n", options.name, info.url);
    fmt::print("  password: velo branch url {}/main\n", options.name);
  }
  return Status::Ok();
}

Status project_list(const GlobalOptions& global) {
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto json, app::project_list_json(env->ctx()));
  if (global.json) {
    print_json(json);
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : json) {
    rows.push_back({p["name"], p["pg_version"], p["runtime"],
                    std::to_string(p["branches"].get<size_t>()), p["created_at"]});
  }
  print_table({"PROJECT", "PG", "RUNTIME", "BRANCHES", "CREATED"}, rows);
  return Status::Ok();
}

Status project_show(const GlobalOptions& global, const std::string& name) {
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto json, app::project_json(env->ctx(), name));
  if (global.json) {
    print_json(json);
    return Status::Ok();
  }
  const nlohmann::json& cap = json["max_size_bytes"];
  fmt::print(
      "project    {}\nPostgreSQL {}\nruntime    {}\nstorage    {}\ndatabase   {}\ncreated    "
      "{}\nretention  {}, snapshots every {}\nmax size   {} (new branches' default)\n{}\n",
      json["name"].get<std::string>(), json["pg_version"].get<std::string>(),
      json["runtime"].get<std::string>(), json["storage"].get<std::string>(),
      json["database"].get<std::string>(), json["created_at"].get<std::string>(),
      json["retention"].get<std::string>(), json["snapshot_every"].get<std::string>(),
      cap.is_null() ? std::string("none") : human_bytes(cap.get<uint64_t>()),
      follow_text(json["follow"]));
  const nlohmann::json& space = json["space"];
  fmt::print("disk       {} in total: branches {}, snapshots {}, WAL archive {}\n\n",
             human_bytes(space["total_bytes"].get<uint64_t>()),
             human_bytes(space["unique_bytes"].get<uint64_t>()),
             human_bytes(space["snapshot_bytes"].get<uint64_t>()),
             human_bytes(space["archive_bytes"].get<uint64_t>()));
  auto size = [](const nlohmann::json& value) {
    return value.is_null() ? std::string("?") : human_bytes(value.get<uint64_t>());
  };
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : json["branches"]) {
    rows.push_back(
        {b["branch"],
         b["parent"].is_null() ? "-" : b["parent"].get<std::string>().substr(name.size() + 1),
         b["status"], std::to_string(b["port"].get<int>()), size(b["unique_bytes"]),
         size(b["logical_bytes"]), size(b["archive_bytes"])});
  }
  print_table({"BRANCH", "PARENT", "STATUS", "PORT", "UNIQUE", "LOGICAL", "ARCHIVE"}, rows);
  return Status::Ok();
}

Status project_delete(const GlobalOptions& global, const DeleteArgs& args) {
  const std::string& name = args.name;
  VELO_OPEN_ENV(env, global);
  VELO_TRY(confirm_project_delete(env->ctx(), name, args.force, args.yes));
  VELO_ASSIGN_OR_RETURN(auto result, core::delete_project(env->ctx(), name, args.force));
  if (!result.warning.empty()) fmt::print(stderr, "velo: warning: {}\n", result.warning);
  if (global.json) {
    print_json(
        {{"deleted", name},
         {"warning", result.warning.empty() ? nlohmann::json() : nlohmann::json(result.warning)}});
  } else {
    fmt::print("deleted project {}\n", name);
  }
  return Status::Ok();
}

void declare_create(CLI::App& cmd, CreateArgs& args) {
  core::CreateProjectOptions& create = args.options;
  cmd.add_option("name", create.name, "project name")->required();
  cmd.add_option("--pg-version", create.pg_version, "PostgreSQL major version (default 15)");
  cmd.add_option("--runtime", create.runtime, "native|docker (default native)");
  cmd.add_option("--image", create.image, "docker image (default postgres:<version>)");
  cmd.add_option("--archive-timeout", create.archive_timeout_s,
                 "seconds after which a WAL segment is archived even if not full (default 60)");
  add_import_flags(cmd, args.import);
  declare_retention_flags(cmd, args.retention);
  cmd.add_option("--max-size", args.max_size,
                 "cap what each new branch may write at SIZE (20G, 512M) unless it is given its "
                 "own --max-size (main is never capped)");
  cmd.add_option("--branch-setting", args.branch_settings,
                 "NAME=VALUE: a PostgreSQL setting for the project's branches, over velo's "
                 "defaults for them (main keeps its own); repeatable");
}

Status project_create(const GlobalOptions& global, const CreateArgs& args) {
  core::CreateProjectOptions options = args.options;
  VELO_TRY(apply_retention_flags(args.retention, options.retention_s, options.snapshot_every_s));
  if (!args.max_size.empty()) {
    VELO_ASSIGN_OR_RETURN(options.max_size_bytes, core::parse_max_size(args.max_size));
  }
  VELO_ASSIGN_OR_RETURN(options.branch_settings,
                        core::parse_settings(args.branch_settings, "--branch-setting", false));
  VELO_TRY(core::validate_project_options(options));
  if (args.import.any()) return run_import(global, options, args.import);
  VELO_TRY(check_import_flags(args.import));
  return plain_create(global, options);
}

void declare_name(CLI::App& cmd, std::string& name) {
  cmd.add_option("name", name, "project name")->required();
}

void declare_delete(CLI::App& cmd, DeleteArgs& args) {
  declare_name(cmd, args.name);
  cmd.add_flag("--force", args.force, "also when it has branches besides main");
  cmd.add_flag("-y,--yes", args.yes, "do not ask first (velo asks only a person at a terminal)");
}

}  // namespace

CommandTable project_commands() {
  return {
      group("project", "create, list, show and delete projects"),
      command<CreateArgs>({"project", "create"}, "create a project and its running main branch",
                          declare_create, project_create),
      command({"project", "list"}, "list projects", project_list),
      command<std::string>({"project", "show"}, "show a project and its branches", declare_name,
                           project_show),
      unfollow_command(),
      project_set_command(),
      command<DeleteArgs>({"project", "delete"}, "delete a project with all its branches and data",
                          declare_delete, project_delete),
  };
}

}  // namespace velo::cli
