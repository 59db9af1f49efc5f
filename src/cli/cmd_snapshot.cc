// velo snapshot create | list | delete | prune
#include <fmt/format.h>

#include "app/reports.h"
#include "cli/command_table.h"
#include "cli/output.h"
#include "core/history/pitr_time.h"
#include "core/history/snapshot_ops.h"
#include "core/names.h"

namespace velo::cli {
namespace {

struct SnapshotArgs {
  std::string branch;
  std::string label;
  int64_t id = 0;
  std::optional<size_t> keep;
  std::string older_than;
};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out.empty() ? "-" : out;
}

Status snapshot_create(const GlobalOptions& global, const SnapshotArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.branch));
  VELO_TRY(core::validate_label(args.label));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto snapshot, core::create_snapshot(env->ctx(), name, args.label));
  if (global.json) {
    print_json(app::snapshot_json(snapshot, {}));
  } else {
    fmt::print("created snapshot {} of {} at {} (LSN {})\n", snapshot.id, name.full(),
               snapshot.created_at, snapshot.lsn.empty() ? "-" : snapshot.lsn);
  }
  return Status::Ok();
}

Status snapshot_list(const GlobalOptions& global, const SnapshotArgs& args) {
  std::optional<core::BranchName> name;
  if (!args.branch.empty()) {
    VELO_ASSIGN_OR_RETURN(name, core::parse_branch_name(args.branch));
  }
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto json, app::snapshot_list_json(env->ctx(), name));
  if (global.json) {
    print_json(json);
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : json) {
    rows.push_back({std::to_string(s["id"].get<int64_t>()), s["name"], s["kind"], s["created_at"],
                    s["lsn"].is_null() ? "-" : s["lsn"].get<std::string>(),
                    joined(s["used_by"].get<std::vector<std::string>>()), s["label"]});
  }
  print_table({"ID", "BRANCH", "KIND", "CREATED", "LSN", "USED BY", "LABEL"}, rows);
  return Status::Ok();
}

Status snapshot_delete(const GlobalOptions& global, const SnapshotArgs& args) {
  VELO_OPEN_ENV(env, global);
  VELO_TRY(core::delete_snapshot(env->ctx(), args.id));
  if (global.json)
    print_json({{"id", args.id}, {"result", "deleted"}});
  else
    fmt::print("deleted snapshot {}\n", args.id);
  return Status::Ok();
}

Status snapshot_prune(const GlobalOptions& global, const SnapshotArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.branch));
  core::PruneOptions options;
  options.keep = args.keep;
  if (!args.older_than.empty()) {
    VELO_ASSIGN_OR_RETURN(options.older_than, core::parse_duration(args.older_than));
  }
  // Checked before the environment opens: a bad flag changes nothing.
  VELO_TRY(core::select_prune_candidates({}, options, {}));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto result, core::prune_snapshots(env->ctx(), name, options));
  if (global.json) {
    nlohmann::json deleted = nlohmann::json::array(), kept = nlohmann::json::array();
    for (const auto& s : result.deleted) deleted.push_back(app::snapshot_json(s, {}));
    for (const auto& [s, used_by] : result.kept_in_use)
      kept.push_back(app::snapshot_json(s, used_by));
    print_json({{"name", name.full()}, {"deleted", deleted}, {"kept_in_use", kept}});
    return Status::Ok();
  }
  for (const auto& s : result.deleted) fmt::print("deleted snapshot {} ({})\n", s.id, s.created_at);
  for (const auto& [s, used_by] : result.kept_in_use) {
    fmt::print("kept snapshot {} ({}): {} {} on it\n", s.id, s.created_at, joined(used_by),
               used_by.size() == 1 ? "depends" : "depend");
  }
  if (result.deleted.empty() && result.kept_in_use.empty()) fmt::print("nothing to prune\n");
  return Status::Ok();
}

void declare_create(CLI::App& cmd, SnapshotArgs& args) {
  cmd.add_option("branch", args.branch, "PROJECT/BRANCH")->required();
  cmd.add_option("--label", args.label, "a note kept with the snapshot");
}

void declare_list(CLI::App& cmd, SnapshotArgs& args) {
  cmd.add_option("branch", args.branch, "only this PROJECT/BRANCH");
}

void declare_delete(CLI::App& cmd, SnapshotArgs& args) {
  cmd.add_option("id", args.id, "snapshot id (see velo snapshot list)")->required();
}

void declare_prune(CLI::App& cmd, SnapshotArgs& args) {
  cmd.add_option("branch", args.branch, "PROJECT/BRANCH")->required();
  // CLI11 reads "-1" into a size_t as its largest value: "keep all".
  auto* keep = cmd.add_option("--keep", args.keep, "keep the N newest")
                   ->check(CLI::Validator(
                       [](std::string& value) {
                         return value.find('-') == std::string::npos
                                    ? std::string()
                                    : "expected 0 or more, not " + value;
                       },
                       ""));
  cmd.add_option("--older-than", args.older_than,
                 "delete those older than DURATION (90s, 30m, 12h, 7d)")
      ->excludes(keep);
}

}  // namespace

CommandTable snapshot_commands() {
  return {
      group("snapshot", "create, list, delete and prune snapshots"),
      command<SnapshotArgs>({"snapshot", "create"},
                            "snapshot a branch (a base for point-in-time branches)", declare_create,
                            snapshot_create),
      command<SnapshotArgs>({"snapshot", "list"},
                            "list snapshots with the branches that depend on them", declare_list,
                            snapshot_list),
      command<SnapshotArgs>({"snapshot", "delete"}, "delete a snapshot no branch depends on",
                            declare_delete, snapshot_delete),
      command<SnapshotArgs>({"snapshot", "prune"}, "delete a branch's older user snapshots",
                            declare_prune, snapshot_prune),
  };
}

}  // namespace velo::cli
