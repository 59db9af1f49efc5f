#include "core/merge/merge_op.h"

#include <fmt/format.h>

#include "core/cluster.h"
#include "core/history/snapshot_ops.h"
#include "core/history/snapshotter.h"
#include "core/locks.h"
#include "core/merge/checks.h"
#include "core/merge/schemas.h"
#include "core/merge/sessions.h"
#include "core/operation.h"
#include "diff/summary.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

std::string describe(const std::vector<diff::Conflict>& conflicts) {
  std::string out;
  for (const auto& c : conflicts) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} {} in {} (this branch: {}; target: {})", c.kind, c.identity, c.database,
                       c.ours, c.theirs);
  }
  return out;
}

// The data-loss hazards of the plan, one phrase each.
std::vector<std::string> data_loss(const diff::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& statement : plan.statements) {
    for (const auto& hazard : statement.hazards) {
      if (hazard.kind == diff::HazardKind::DataLoss) out.push_back(hazard.reason);
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

// One merge: the operation's state between its steps.
class Merge {
 public:
  Merge(Context& ctx, const MergeOptions& options, BranchHandle source, BranchHandle target)
      : ctx_(ctx), options_(options), source_(std::move(source)), target_(std::move(target)) {
    result_.source = options.source.full();
    result_.target = target_.project.name + "/" + target_.branch.name;
  }

  Result<MergeResult> run() {
    VELO_TRY(op_.step("plan", [&] { return make_plan(); }));
    if (result_.plan.statements.empty()) return result_;
    auto lost = data_loss(result_.plan);
    if (!lost.empty() && !options_.allow_hazards && !options_.dry_run) {
      return make_error(ErrorKind::Invalid,
                        "the merge would lose data ({}): look at it with --dry-run, and pass "
                        "--allow-hazards to merge anyway; nothing changed",
                        join(lost));
    }
    VELO_TRY(op_.step("rehearse", [&]() -> Status {
      VELO_ASSIGN_OR_RETURN(result_.rehearsal,
                            rehearse(ctx_, target_, result_.plan, merged_, options_.rehearsal));
      return Status::Ok();
    }));
    if (options_.dry_run) return result_;
    VELO_TRY(op_.step("snapshot", [&] { return snapshot_target(); }));
    VELO_TRY(op_.step("record", [&] { return record(); }));
    VELO_TRY(op_.step("apply", [&] { return apply(); }));
    op_.commit();
    return result_;
  }

 private:
  Status make_plan() {
    auto started = ctx_.clock.monotonic();
    VELO_ASSIGN_OR_RETURN(auto ours, read_branch_schema(ctx_, source_));
    VELO_ASSIGN_OR_RETURN(auto theirs, read_branch_schema(ctx_, target_));
    VELO_TRY(check_compatible(ours, theirs, result_.target));
    VELO_ASSIGN_OR_RETURN(auto base, read_base_schema(ctx_, source_));
    diff::ThreeWay merge = diff::three_way(base, ours, theirs);
    if (!merge.conflicts.empty()) {
      return make_error(ErrorKind::Conflict, "{} conflict{} with {}: {}; nothing changed",
                        merge.conflicts.size(), merge.conflicts.size() == 1 ? "" : "s",
                        result_.target, describe(merge.conflicts));
    }
    result_.changes = merge.changes;
    result_.plan = diff::plan(merge.changes, theirs, merge.merged);
    merged_ = std::move(merge.merged);
    VELO_ASSIGN_OR_RETURN(result_.rows, changed_rows(ctx_, source_, theirs));
    result_.plan_ms = elapsed_ms(started, ctx_.clock.monotonic());
    return Status::Ok();
  }

  // Kept after the merge and listed among the target's snapshots: what
  // `velo merge revert --to-snapshot` goes back to.
  Status snapshot_target() {
    auto started = ctx_.clock.monotonic();
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx_.store.next_id());
    const std::string name = fmt::format("velo-{}", id);
    const std::string volume = target_.branch.volume;
    op_.undo("the pre-merge snapshot", [this, volume, name] {
      (void)ctx_.store.delete_snapshot_named(volume, name);
      return ok_if_absent(ctx_.driver.destroy_snapshot(volume, name));
    });
    ctx_.reporter.step(fmt::format("snapshotting {} before the merge", result_.target));
    VELO_ASSIGN_OR_RETURN(auto point, snapshot_branch(ctx_, target_, name));
    state::SnapshotRecord record = snapshot_record(target_, point, "user");
    record.label = fmt::format("before merging {}", result_.source);
    VELO_ASSIGN_OR_RETURN(result_.snapshot_id, ctx_.store.insert_snapshot(record));
    result_.snapshot_ms = elapsed_ms(started, ctx_.clock.monotonic());
    return Status::Ok();
  }

  // Recorded before it is applied: a crash midway leaves "applying".
  Status record() {
    state::MergeRecord record;
    record.project = target_.project.name;
    record.source = source_.branch.name;
    record.target = target_.branch.name;
    record.kind = "merge";
    record.created_at = format_utc(ctx_.clock.now());
    record.plan = diff::to_json(result_.plan).dump();
    record.rehearsal = to_json(result_.rehearsal).dump();
    record.snapshot_id = result_.snapshot_id;
    record.outcome = "applying";
    VELO_ASSIGN_OR_RETURN(result_.id, ctx_.store.insert_merge(record));
    const int64_t id = result_.id;
    op_.undo("the merge's outcome",
             [this, id] { return ctx_.store.update_merge_outcome(id, outcome_on_failure_); });
    return Status::Ok();
  }

  Status apply() {
    ctx_.reporter.step(fmt::format("applying {} statements to {}", result_.plan.statements.size(),
                                   result_.target));
    bool partly = false;
    auto applied = apply_plan(ctx_, target_, result_.plan, options_.apply, partly);
    if (!applied.ok()) {
      if (partly) {
        // Part of it is committed: the pre-merge snapshot must stay.
        op_.commit();
        outcome_on_failure_ = "failed after committing part of it: " + applied.error().message;
        (void)ctx_.store.update_merge_outcome(result_.id, outcome_on_failure_);
        return make_error(applied.error().kind,
                          "{}; statements before it were committed: the pre-merge snapshot {} "
                          "holds {} as it was",
                          applied.error().message, result_.snapshot_id, result_.target);
      }
      outcome_on_failure_ = "failed, rolled back: " + applied.error().message;
      return make_error(applied.error().kind, "{}; rolled back, {} is unchanged",
                        applied.error().message, result_.target);
    }
    result_.applied = *applied;
    return ctx_.store.update_merge_outcome(result_.id, "applied");
  }

  Context& ctx_;
  const MergeOptions& options_;
  BranchHandle source_;
  BranchHandle target_;
  MergeResult result_;
  diff::ClusterSchema merged_;
  std::string outcome_on_failure_ = "rolled back";
  // Last: destroyed first, so its undos run while the state above lives.
  Operation op_{"branch-merge", fmt::format("{} was not merged", options_.source.full())};
};

}  // namespace

Result<MergeResult> merge_branch(Context& ctx, const MergeOptions& options) {
  const BranchName& name = options.source;
  if (options.into && options.into->project != name.project) {
    return make_error(ErrorKind::Invalid, "{} is in another project than {}", options.into->full(),
                      name.full());
  }
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto source, load_branch(ctx, name.project, name.branch));
  VELO_ASSIGN_OR_RETURN(auto target, merge_target(ctx, source, options.into));
  VELO_TRY(check_target(target));
  Merge merge(ctx, options, std::move(source), std::move(target));
  return merge.run();
}

nlohmann::json to_json(const MergeResult& result) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : result.rows) {
    rows.push_back(
        {{"database", row.database}, {"table", row.table}, {"changed_rows", row.changed_rows}});
  }
  return {{"id", result.id},
          {"source", result.source},
          {"target", result.target},
          {"summary", diff::summarize(result.changes)},
          {"changes", diff::to_json(result.changes)},
          {"plan", diff::to_json(result.plan)},
          {"rehearsal", to_json(result.rehearsal)},
          {"rows_not_merged", rows},
          {"pre_merge_snapshot", result.snapshot_id},
          {"outside_transaction", result.applied.outside_transaction},
          {"timings_ms",
           {{"plan", result.plan_ms},
            {"clone", result.rehearsal.clone_ms},
            {"rehearsal", result.rehearsal.run_ms},
            {"check", result.rehearsal.check_ms},
            {"snapshot", result.snapshot_ms},
            {"apply", result.applied.ms}}}};
}

}  // namespace velo::core
