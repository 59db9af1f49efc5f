// velo status | doctor | gc | start --all
#include <fmt/format.h>

#include "app/reports.h"
#include "cli/cmd_maintain.h"
#include "cli/command_table.h"
#include "cli/output.h"
#include "core/branch/inspect.h"
#include "core/branch/logs.h"
#include "core/branch/start_all.h"
#include "core/merge/schema_cache.h"
#include "core/project/doctor.h"
#include "core/project/orphans.h"
#include "core/space/pool.h"
#include "core/space/project_space.h"

namespace velo::cli {
namespace {

struct StatusArgs {
  bool fresh = false;
};

// A branch's size picked by `field`, or "?" when it was not measured.
template <typename Field>
std::string size_of(const core::BranchInfo& b, Field field) {
  return b.space ? human_bytes(field(*b.space)) : "?";
}

void print_status_text(const core::Context& ctx, const std::vector<core::BranchInfo>& branches,
                       const std::map<std::string, core::ProjectSpace>& projects,
                       const Result<storage::PoolSpace>& pool) {
  fmt::print("home {}  storage {}\n", ctx.home, ctx.driver.name());
  if (pool.ok()) {
    const int percent = core::used_percent(*pool);
    fmt::print("pool {}, {} used ({}%), {} free, reserve {}%\n", human_bytes(pool->size_bytes),
               human_bytes(pool->used_bytes), percent, human_bytes(pool->free_bytes),
               ctx.config.reserve_percent);
    if (percent > core::kPoolWarnPercent) {
      fmt::print(stderr, "velo: warning: the pool is {}% full\n", percent);
    }
  }
  fmt::print("\n");
  std::vector<std::vector<std::string>> rows;
  rows.reserve(branches.size());
  for (const auto& b : branches) {
    rows.push_back({b.project + "/" + b.branch, b.status, std::to_string(b.port),
                    size_of(b, [](const auto& m) { return m.space.unique_bytes; }),
                    size_of(b, [](const auto& m) { return m.space.logical_bytes; }),
                    size_of(b, [](const auto& m) { return m.archive_bytes; }), b.url});
  }
  print_table({"BRANCH", "STATUS", "PORT", "UNIQUE", "LOGICAL", "ARCHIVE", "URL"}, rows);
  if (projects.empty()) return;
  fmt::print("\n");
  rows.clear();
  for (const auto& [name, s] : projects) {
    rows.push_back({name, human_bytes(s.unique_bytes), human_bytes(s.snapshot_bytes),
                    human_bytes(s.archive_bytes), human_bytes(s.total_bytes())});
  }
  print_table({"PROJECT", "BRANCHES", "SNAPSHOTS", "ARCHIVE", "TOTAL"}, rows);
}

Status status_command(const GlobalOptions& global, const StatusArgs& args) {
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  const core::SpaceMaxAge max_age = args.fresh ? core::SpaceMaxAge{0} : core::kListSpaceAge;
  VELO_ASSIGN_OR_RETURN(auto branches, core::describe_branches(ctx, std::nullopt, max_age));
  // The branches' volumes were just measured (or read): only the rest is.
  VELO_ASSIGN_OR_RETURN(auto projects, core::project_spaces(ctx, core::kListSpaceAge));
  auto pool = ctx.driver.pool_space();
  if (!global.json) {
    print_status_text(ctx, branches, projects, pool);
    return Status::Ok();
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& b : branches) list.push_back(app::branch_json(b));
  nlohmann::json totals = nlohmann::json::array();
  for (const auto& [name, space] : projects) {
    nlohmann::json item = app::project_space_json(space);
    item["name"] = name;
    totals.push_back(item);
  }
  print_json({{"home", ctx.home},
              {"storage", ctx.driver.name()},
              {"pool", pool.ok() ? app::pool_json(*pool) : nlohmann::json()},
              {"reserve_percent", ctx.config.reserve_percent},
              {"projects", totals},
              {"branches", list}});
  return Status::Ok();
}

Status doctor_command(const GlobalOptions& global) {
  VELO_OPEN_ENV(env, global);
  auto findings = core::run_doctor(env->ctx());
  bool failed = false;
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : findings) {
    failed = failed || f.status == "fail";
    rows.push_back({f.status, f.check, f.detail});
  }
  if (global.json)
    print_json(app::doctor_json(findings));
  else
    print_table({"STATUS", "CHECK", "DETAIL"}, rows);
  if (failed) return make_error(ErrorKind::Io, "velo doctor found problems (see above)");
  return Status::Ok();
}

Status gc_command(const GlobalOptions& global) {
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  VELO_ASSIGN_OR_RETURN(auto orphans, core::find_orphans(ctx));
  nlohmann::json removed = nlohmann::json::array();
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& orphan : orphans) {
    Status status = core::remove_orphan(ctx, orphan);
    nlohmann::json item = {{"kind", orphan.kind}, {"what", orphan.what}};
    if (status.ok()) {
      removed.push_back(item);
      if (!global.json) fmt::print("removed {} {}\n", orphan.kind, orphan.what);
    } else {
      item["reason"] = status.error().message;
      kept.push_back(item);
      if (!global.json) {
        fmt::print("kept {} {}: {}\n", orphan.kind, orphan.what, status.error().message);
      }
    }
  }
  // Logs `branch delete --keep-logs` kept, once a week old.
  VELO_ASSIGN_OR_RETURN(auto old_logs, core::prune_kept_logs(ctx));
  for (const auto& path : old_logs) {
    removed.push_back({{"kind", "kept-log"}, {"what", path}});
    if (!global.json) fmt::print("removed kept-log {}\n", path);
  }
  // velo's own cache, not a leftover of the user's: pruned without a word.
  (void)core::prune_schema_cache(ctx);
  if (global.json)
    print_json({{"removed", removed}, {"kept", kept}});
  else if (orphans.empty() && old_logs.empty())
    fmt::print("nothing to remove\n");
  // A script must see that leftovers remain (exit 1), not only a person.
  if (!kept.empty()) {
    return make_error(ErrorKind::Io, "velo gc could not remove {} of {} leftover{} (see above)",
                      kept.size(), orphans.size(), orphans.size() == 1 ? "" : "s");
  }
  return Status::Ok();
}

struct StartArgs {
  bool all = false;
  std::string project;  // empty: every project
};

Status start_command(const GlobalOptions& global, const StartArgs& args) {
  if (!args.all) {
    return make_error(ErrorKind::Invalid,
                      "velo start needs --all (one branch: velo branch start PROJECT/BRANCH)");
  }
  VELO_OPEN_ENV(env, global);
  std::optional<std::string> project;
  if (!args.project.empty()) project = args.project;
  VELO_ASSIGN_OR_RETURN(auto outcomes, core::start_all(env->ctx(), project));
  size_t failed = 0;
  nlohmann::json list = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  rows.reserve(outcomes.size());
  for (const auto& o : outcomes) {
    if (o.result == "failed") ++failed;
    list.push_back({{"branch", o.branch.full()}, {"result", o.result}, {"reason", o.reason}});
    rows.push_back({o.branch.full(), o.result, o.reason});
  }
  if (global.json) {
    print_json(list);
  } else {
    print_table({"BRANCH", "RESULT", "REASON"}, rows);
  }
  if (failed > 0) return make_error(ErrorKind::Io, "{} branch(es) did not start", failed);
  return Status::Ok();
}

}  // namespace

CommandTable maintenance_commands() {
  return {
      command<StatusArgs>(
          {"status"}, "every branch, its real state and disk; every project's disk; the pool",
          [](CLI::App& app, StatusArgs& a) {
            app.add_flag("--fresh", a.fresh,
                         "measure every size now (default: reuse sizes measured in the last "
                         "10 minutes)");
          },
          status_command),
      command({"doctor"}, "check environment, storage, binaries, permissions, orphans",
              doctor_command),
      command({"gc"}, "remove what interrupted operations left behind", gc_command),
      maintain_row(),
      command<StartArgs>(
          {"start"}, "start every branch that should run (after a reboot or a crash)",
          [](CLI::App& app, StartArgs& a) {
            app.add_flag("--all", a.all, "every branch not stopped by the user");
            app.add_option("project", a.project, "only this project's branches");
          },
          start_command),
  };
}

}  // namespace velo::cli
