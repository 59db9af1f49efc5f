// velo project set: change a project's settings after its creation.
#include "cli/cmd_project_set.h"

#include <fmt/format.h>

#include "cli/output.h"
#include "cli/retention_flags.h"
#include "core/branch/max_size.h"
#include "core/branch/server_settings.h"
#include "core/cluster.h"
#include "core/history/retention.h"
#include "core/names.h"
#include "core/project/default_database.h"
#include "core/project/project_ops.h"

namespace velo::cli {
namespace {

struct SetArgs {
  std::string name;
  std::string database;
  RetentionFlags retention;
  std::string max_size;                      // SIZE | none
  std::vector<std::string> branch_settings;  // NAME=VALUE | NAME= (back to velo's default)
};

void declare_set(CLI::App& cmd, SetArgs& args) {
  cmd.add_option("name", args.name, "project name")->required();
  cmd.add_option("--database", args.database,
                 "the database velo branch url, velo psql and velo status name by default (it "
                 "must exist on main when main runs)");
  declare_retention_flags(cmd, args.retention);
  cmd.add_option("--max-size", args.max_size,
                 "the cap new branches get unless given their own: SIZE (20G, 512M) or none "
                 "(branches that exist keep theirs)");
  cmd.add_option("--branch-setting", args.branch_settings,
                 "NAME=VALUE: a PostgreSQL setting for branches created or reset from now on; "
                 "NAME= drops it, back to velo's default; repeatable");
}

// --branch-setting: the server settings of new and reset branches.
Status set_branch_settings(const GlobalOptions& global, const SetArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto changes,
                        core::parse_settings(args.branch_settings, "--branch-setting", true));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto settings,
                        core::set_project_branch_settings(env->ctx(), args.name, changes));
  if (global.json) {
    print_json({{"project", args.name}, {"branch_settings", settings}});
    return Status::Ok();
  }
  std::string list;
  for (const auto& [name, value] : settings) {
    list += (list.empty() ? "" : ", ") + name + "=" + value;
  }
  fmt::print("project {}: branches get {} (from their next create or reset)\n", args.name,
             list.empty() ? "velo's defaults" : list + " over velo's defaults");
  return Status::Ok();
}

// --max-size: the default cap of new branches.
Status set_max_size(const GlobalOptions& global, const SetArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto bytes, core::parse_max_size(args.max_size));  // before opening
  VELO_OPEN_ENV(env, global);
  VELO_TRY(core::set_project_max_size(env->ctx(), args.name, bytes));
  if (global.json) {
    print_json({{"project", args.name},
                {"max_size_bytes", bytes ? nlohmann::json(*bytes) : nlohmann::json()}});
  } else {
    fmt::print("project {}: new branches {}\n", args.name,
               bytes ? "may write at most " + human_bytes(*bytes) : "have no size cap");
  }
  return Status::Ok();
}

// --database: what the project's connection strings name.
Status set_database(const GlobalOptions& global, core::Context& ctx, const SetArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto change, core::set_default_database(ctx, args.name, args.database));
  if (global.json) {
    print_json({{"project", args.name},
                {"database", args.database},
                {"previous", change.previous},
                {"checked", change.checked}});
  } else {
    fmt::print("project {}: default database {} (was {}){}\n", args.name, args.database,
               change.previous,
               change.checked ? "" : "; main is stopped, so velo could not check it exists");
  }
  return Status::Ok();
}

Status project_set(const GlobalOptions& global, const SetArgs& args) {
  VELO_TRY(core::validate_name("project", args.name));
  const int settings = int{args.retention.any()} + int{!args.database.empty()} +
                       int{!args.max_size.empty()} + int{!args.branch_settings.empty()};
  if (settings == 0) {
    return make_error(ErrorKind::Invalid,
                      "nothing to set: give --database DB, --max-size SIZE|none, "
                      "--branch-setting NAME=VALUE, --retention DURATION and/or "
                      "--snapshot-every DURATION");
  }
  if (settings > 1) {
    return make_error(ErrorKind::Invalid,
                      "give --database, --max-size or --branch-setting on its own: one setting "
                      "per velo project set");
  }
  if (!args.max_size.empty()) return set_max_size(global, args);
  if (!args.branch_settings.empty()) return set_branch_settings(global, args);
  if (!args.database.empty()) {
    VELO_OPEN_ENV(env, global);
    return set_database(global, env->ctx(), args);
  }
  int64_t retention_s = 0;
  int64_t every_s = 0;
  VELO_TRY(apply_retention_flags(args.retention, retention_s, every_s));  // checked before opening
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  VELO_ASSIGN_OR_RETURN(auto project, core::load_project(ctx, args.name));
  retention_s = project.retention_s;
  every_s = project.snapshot_every_s;
  VELO_TRY(apply_retention_flags(args.retention, retention_s, every_s));
  VELO_TRY(core::set_project_retention(ctx, args.name, retention_s, every_s));
  auto retention = core::format_span(std::chrono::seconds(retention_s));
  auto every = core::format_span(std::chrono::seconds(every_s));
  if (global.json) {
    print_json({{"project", args.name}, {"retention", retention}, {"snapshot_every", every}});
  } else {
    fmt::print("project {}: retention {}, snapshot every {}\n", args.name, retention, every);
  }
  return Status::Ok();
}

}  // namespace

CommandRow project_set_command() {
  return command<SetArgs>(
      {"project", "set"},
      "change a project's settings: its default database, its retention window, the "
      "default size cap and server settings of its new branches",
      declare_set, project_set);
}

}  // namespace velo::cli
