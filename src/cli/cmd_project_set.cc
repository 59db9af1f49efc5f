// velo project set: change a project's settings after its creation.
#include "cli/cmd_project_set.h"

#include <fmt/format.h>

#include "cli/output.h"
#include "cli/retention_flags.h"
#include "core/cluster.h"
#include "core/history/retention.h"
#include "core/names.h"
#include "core/project/project_ops.h"

namespace velo::cli {
namespace {

struct SetArgs {
  std::string name;
  RetentionFlags retention;
};

void declare_set(CLI::App& cmd, SetArgs& args) {
  cmd.add_option("name", args.name, "project name")->required();
  declare_retention_flags(cmd, args.retention);
}

Status project_set(const GlobalOptions& global, const SetArgs& args) {
  VELO_TRY(core::validate_name("project", args.name));
  if (!args.retention.any()) {
    return make_error(ErrorKind::Invalid,
                      "nothing to set: give --retention DURATION and/or --snapshot-every DURATION");
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
  return command<SetArgs>({"project", "set"}, "change a project's retention window", declare_set,
                          project_set);
}

}  // namespace velo::cli
