// velo branch diff | branch merge, velo merge list | show
#include <fmt/format.h>

#include "app/reports.h"
#include "cli/command_table.h"
#include "cli/output.h"
#include "core/merge/diff_op.h"
#include "core/merge/merge_op.h"
#include "core/merge/revert_op.h"
#include "core/names.h"
#include "diff/plan.h"
#include "diff/summary.h"

namespace velo::cli {
namespace {

struct DiffArgs {
  std::string branch;
  std::string against;
  std::string database;
  bool sql = false;
};

struct MergeArgs {
  std::string branch;
  std::string into;
  bool dry_run = false;
  bool allow_hazards = false;
  int64_t lock_timeout_ms = 5000;
  int64_t lock_threshold_ms = 1000;
};

struct RevertArgs {
  int64_t id = 0;
  bool to_snapshot = false;
  bool dry_run = false;
  bool allow_hazards = false;
  int64_t lock_timeout_ms = 5000;
};

struct ShowArgs {
  std::string project;
  int64_t id = 0;
};

std::string hazard_list(const std::vector<diff::Hazard>& hazards) {
  std::string out;
  for (const auto& h : hazards) out += fmt::format(" [{}: {}]", diff::to_string(h.kind), h.reason);
  return out;
}

char action_mark(diff::Change::Action action) {
  switch (action) {
    case diff::Change::Action::Create:
      return '+';
    case diff::Change::Action::Drop:
      return '-';
    case diff::Change::Action::Alter:
      return '~';
  }
  return '?';
}

void print_changes(const std::vector<diff::Change>& changes) {
  std::string summary = diff::summarize(changes);
  fmt::print("{}", summary.empty() ? "no schema changes\n" : summary);
  if (!summary.empty() && summary.back() != '\n') fmt::print("\n");
  for (const auto& c : changes) {
    fmt::print("  {} {} {} ({}){}\n", action_mark(c.action), c.kind, c.identity, c.database,
               hazard_list(c.hazards));
  }
}

// Statements as a script psql runs: each database's statements after a
// \connect, so that the whole plan is one file.
void print_sql(const diff::Plan& plan) {
  std::string current;
  for (const auto& s : plan.statements) {
    const std::string database = s.database.empty() ? "postgres" : s.database;
    if (database != current) {
      fmt::print("\\connect {}\n", database);
      current = database;
    }
    if (!s.transactional) fmt::print("-- cannot run in a transaction block\n");
    for (const auto& h : s.hazards) {
      fmt::print("-- hazard {}: {}\n", diff::to_string(h.kind), h.reason);
    }
    fmt::print("{};\n", s.sql);
  }
}

Status branch_diff(const GlobalOptions& global, const DiffArgs& args) {
  core::DiffOptions options;
  VELO_ASSIGN_OR_RETURN(options.name, core::parse_branch_name(args.branch));
  if (!args.against.empty()) {
    VELO_ASSIGN_OR_RETURN(options.against, core::parse_branch_name(args.against));
  }
  if (!args.database.empty()) options.database = args.database;
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto result, core::diff_branch(env->ctx(), options));
  if (args.sql) {
    print_sql(diff::plan(result.changes, result.from, result.to));
  } else if (global.json) {
    print_json(app::diff_json(options.name, result));
  } else {
    fmt::print("{} since {}:\n", options.name.full(), result.from_label);
    print_changes(result.changes);
  }
  return Status::Ok();
}

// The statement on one line, shortened: the full text is in the plan.
std::string one_line(const std::string& sql) {
  constexpr size_t kWidth = 100;
  std::string out;
  for (char c : sql) {
    bool space = c == '\n' || c == ' ' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out.size() > kWidth ? out.substr(0, kWidth - 3) + "..." : out;
}

void print_rehearsal(const core::Rehearsal& rehearsal) {
  fmt::print(
      "rehearsal on a copy of the target's data: clone {:.0f} ms, statements {:.0f} ms, "
      "check {:.0f} ms\n",
      rehearsal.clone_ms, rehearsal.run_ms, rehearsal.check_ms);
  for (size_t i = 0; i < rehearsal.statements.size(); ++i) {
    const auto& run = rehearsal.statements[i];
    std::string notes;
    if (!run.exclusive_locks.empty()) notes += " ACCESS EXCLUSIVE " + run.exclusive_locks[0];
    if (!run.rewritten.empty()) notes += " rewrote " + run.rewritten[0];
    fmt::print("  {:>3}. {:>8.1f} ms  {}{}\n", i + 1, run.ms, one_line(run.sql),
               notes.empty() ? "" : "  --" + notes);
  }
  for (const auto& [index, hazard] : rehearsal.hazards) {
    fmt::print("  hazard at statement {}: {}: {}\n", index + 1, diff::to_string(hazard.kind),
               hazard.reason);
  }
}

struct PrintOptions {
  bool dry_run = false;
  bool reverting = false;
};

void print_merge(const PrintOptions& options, const core::MergeResult& result) {
  if (result.plan.statements.empty()) {
    fmt::print("nothing to merge: {} has no schema changes that {} lacks\n", result.source,
               result.target);
    return;
  }
  fmt::print("{} into {}:\n", result.source, result.target);
  print_changes(result.changes);
  fmt::print("plan ({} statements):\n", result.plan.statements.size());
  print_sql(result.plan);
  print_rehearsal(result.rehearsal);
  for (const auto& row : result.rows) {
    fmt::print("note: {} changed {} rows of {} in {}; a merge carries schema, not rows\n",
               result.source, row.changed_rows, row.table, row.database);
  }
  if (options.dry_run) {
    fmt::print("dry run: {} is unchanged\n", result.target);
    return;
  }
  for (const auto& sql : result.applied.outside_transaction) {
    fmt::print("ran outside the transaction (PostgreSQL allows no other way): {}\n", sql);
  }
  // One line scripts can read: "merged SOURCE into TARGET as merge ID ...".
  fmt::print(
      "{} {} into {} as {} {} in {:.0f} ms (velo merge show {}); snapshot {} holds {} as "
      "it was\n",
      options.reverting ? "reverted" : "merged", result.source, result.target,
      options.reverting ? "revert" : "merge", result.id, result.applied.ms, result.id,
      result.snapshot_id, result.target);
}

Status branch_merge(const GlobalOptions& global, const MergeArgs& args) {
  core::MergeOptions options;
  VELO_ASSIGN_OR_RETURN(options.source, core::parse_branch_name(args.branch));
  if (!args.into.empty()) {
    VELO_ASSIGN_OR_RETURN(options.into, core::parse_branch_name(args.into));
  }
  options.dry_run = args.dry_run;
  options.allow_hazards = args.allow_hazards;
  options.apply.lock_timeout = std::chrono::milliseconds(args.lock_timeout_ms);
  options.rehearsal.lock_threshold = std::chrono::milliseconds(args.lock_threshold_ms);
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto result, core::merge_branch(env->ctx(), options));
  if (global.json) {
    print_json(app::merge_result_json(result, args.dry_run));
  } else {
    print_merge({.dry_run = args.dry_run}, result);
  }
  return Status::Ok();
}

Status merge_revert(const GlobalOptions& global, const RevertArgs& args) {
  core::RevertOptions options;
  options.id = args.id;
  options.to_snapshot = args.to_snapshot;
  options.merge.dry_run = args.dry_run;
  options.merge.allow_hazards = args.allow_hazards;
  options.merge.apply.lock_timeout = std::chrono::milliseconds(args.lock_timeout_ms);
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto result, core::revert_merge(env->ctx(), options));
  if (global.json) {
    print_json(app::revert_json(result, args.id, args.dry_run));
  } else if (args.to_snapshot) {
    if (result.restored) {
      fmt::print("reverted merge {}: {} is back at snapshot {} ({} discarded); recorded as {}\n",
                 args.id, result.migration.target, result.snapshot_id, result.discarded,
                 result.migration.id);
    } else {
      fmt::print("dry run: putting the target back to snapshot {} would discard {}\n",
                 result.snapshot_id, result.discarded);
    }
  } else {
    print_merge({.dry_run = args.dry_run, .reverting = true}, result.migration);
  }
  return Status::Ok();
}

Status merge_list(const GlobalOptions& global, const ShowArgs& args) {
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  std::optional<std::string> project;
  if (!args.project.empty()) {
    VELO_TRY(core::load_project(ctx, args.project));
    project = args.project;
  }
  VELO_ASSIGN_OR_RETURN(auto merges, ctx.store.merges(project));
  nlohmann::json json = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : merges) {
    json.push_back(app::merge_json(m, false));
    nlohmann::json plan = nlohmann::json::parse(m.plan, nullptr, false);
    rows.push_back({std::to_string(m.id), m.kind, m.project + "/" + m.source,
                    m.project + "/" + m.target, m.created_at,
                    std::to_string(plan.is_array() ? plan.size() : 0),
                    m.snapshot_id == 0 ? "-" : std::to_string(m.snapshot_id), m.outcome});
  }
  if (global.json) {
    print_json(json);
  } else {
    print_table({"ID", "KIND", "SOURCE", "TARGET", "CREATED", "STATEMENTS", "SNAPSHOT", "OUTCOME"},
                rows);
  }
  return Status::Ok();
}

Status merge_show(const GlobalOptions& global, const ShowArgs& args) {
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto merge, env->ctx().store.merge(args.id));
  if (!merge) return make_error(ErrorKind::NotFound, "no merge with id {}", args.id);
  nlohmann::json json = app::merge_json(*merge, true);
  if (global.json) {
    print_json(json);
    return Status::Ok();
  }
  fmt::print("{} {}: {} into {} at {}\noutcome: {}\npre-merge snapshot: {}\n", merge->kind,
             merge->id, json["source"].get<std::string>(), json["target"].get<std::string>(),
             merge->created_at, merge->outcome,
             merge->snapshot_id == 0 ? "-" : std::to_string(merge->snapshot_id));
  const nlohmann::json& plan = json["plan"];
  const nlohmann::json& runs = json["rehearsal"]["statements"];
  for (size_t i = 0; plan.is_array() && i < plan.size(); ++i) {
    double ms = runs.is_array() && i < runs.size() ? runs[i].value("ms", 0.0) : 0.0;
    fmt::print("  {:>3}. {:>8.1f} ms  {}: {}\n", i + 1, ms,
               plan[i].value("database", std::string()),
               one_line(plan[i].value("sql", std::string())));
  }
  return Status::Ok();
}

void declare_diff(CLI::App& cmd, DiffArgs& args) {
  cmd.add_option("branch", args.branch, "PROJECT/BRANCH")->required();
  cmd.add_option("--against", args.against,
                 "compare with PROJECT/OTHER as it is now (default: the schema the branch "
                 "started with)");
  cmd.add_option("--database", args.database, "only this database (default: every database)");
  cmd.add_flag("--sql", args.sql, "print the DDL that turns the other side into the branch");
}

void declare_merge(CLI::App& cmd, MergeArgs& args) {
  cmd.add_option("branch", args.branch, "PROJECT/BRANCH whose schema changes to merge")->required();
  cmd.add_option("--into", args.into, "PROJECT/TARGET, an ancestor (default: the parent)");
  cmd.add_flag("--dry-run", args.dry_run, "plan and rehearse, then stop: the target is unchanged");
  cmd.add_flag("--allow-hazards", args.allow_hazards,
               "apply statements that lose data (dropped tables or columns, narrowed types)");
  cmd.add_option("--lock-timeout", args.lock_timeout_ms,
                 "milliseconds a statement waits for a lock on the target before the merge "
                 "rolls back")
      ->check(CLI::Range(int64_t{1}, int64_t{3600000}))
      ->capture_default_str();
  cmd.add_option("--lock-threshold", args.lock_threshold_ms,
                 "an ACCESS EXCLUSIVE lock held longer than this many milliseconds in the "
                 "rehearsal is a hazard")
      ->check(CLI::Range(int64_t{0}, int64_t{3600000}))
      ->capture_default_str();
}

void declare_revert(CLI::App& cmd, RevertArgs& args) {
  cmd.add_option("id", args.id, "merge id (see velo merge list)")->required();
  cmd.add_flag("--to-snapshot", args.to_snapshot,
               "put the target back to its pre-merge snapshot, discarding every write since "
               "(needs --allow-hazards)");
  cmd.add_flag("--dry-run", args.dry_run, "plan and rehearse, or count what would be discarded");
  cmd.add_flag("--allow-hazards", args.allow_hazards,
               "apply steps that lose data, or discard the writes since the merge");
  cmd.add_option("--lock-timeout", args.lock_timeout_ms,
                 "milliseconds a statement waits for a lock on the target")
      ->check(CLI::Range(int64_t{1}, int64_t{3600000}))
      ->capture_default_str();
}

void declare_list(CLI::App& cmd, ShowArgs& args) {
  cmd.add_option("project", args.project, "only this project");
}

void declare_show(CLI::App& cmd, ShowArgs& args) {
  cmd.add_option("id", args.id, "merge id (see velo merge list)")->required();
}

}  // namespace

CommandTable merge_commands() {
  return {
      command<DiffArgs>({"branch", "diff"},
                        "the branch's schema changes since it started, or against another branch",
                        declare_diff, branch_diff),
      command<MergeArgs>({"branch", "merge"},
                         "apply the branch's schema changes to its parent, rehearsed on a copy of "
                         "the parent's data first",
                         declare_merge, branch_merge),
      group("merge", "the merges made: list, show and revert them"),
      command<ShowArgs>({"merge", "list"}, "list merges, oldest first", declare_list, merge_list),
      command<ShowArgs>({"merge", "show"}, "show a merge's plan, rehearsal and outcome",
                        declare_show, merge_show),
      command<RevertArgs>({"merge", "revert"},
                          "undo a merge: the inverse migration, or --to-snapshot", declare_revert,
                          merge_revert),
  };
}

}  // namespace velo::cli
