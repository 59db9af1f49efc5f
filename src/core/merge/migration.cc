#include "core/merge/migration.h"

#include <fmt/format.h>

#include "core/history/snapshot_ops.h"
#include "core/history/snapshotter.h"
#include "core/merge/sessions.h"
#include "core/operation.h"
#include "diff/summary.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

// The data-loss hazards of the plan, one phrase each.
std::string data_loss(const diff::Plan& plan) {
  std::string out;
  for (const auto& statement : plan.statements) {
    for (const auto& hazard : statement.hazards) {
      if (hazard.kind == diff::HazardKind::DataLoss)
        out += (out.empty() ? "" : "; ") + hazard.reason;
    }
  }
  return out;
}

// One merge or revert: the operation's state between its steps.
class Migration {
 public:
  Migration(Context& ctx, const MergeOptions& options, BranchHandle target,
            const MigrationSpec& spec, const std::string& rolled_back)
      : ctx_(ctx),
        options_(options),
        target_(std::move(target)),
        spec_(spec),
        op_("branch-" + spec.kind, rolled_back) {
    result_.target = target_.project.name + "/" + target_.branch.name;
  }

  Result<MergeResult> run() {
    VELO_TRY(op_.step("plan", [&] { return make_plan(); }));
    if (result_.plan.statements.empty()) return result_;
    std::string lost = data_loss(result_.plan);
    if (!lost.empty() && !options_.allow_hazards && !options_.dry_run) {
      return make_error(ErrorKind::Invalid,
                        "the {} would lose data ({}): look at it with --dry-run, and pass "
                        "--allow-hazards to go ahead anyway; nothing changed",
                        spec_.kind, lost);
    }
    VELO_TRY(op_.step("rehearse", [&]() -> Status {
      VELO_ASSIGN_OR_RETURN(result_.rehearsal,
                            rehearse(ctx_, target_, result_.plan, expected_, options_.rehearsal));
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
    VELO_TRY(spec_.plan(result_, expected_));
    result_.plan_ms = elapsed_ms(started, ctx_.clock.monotonic());
    return Status::Ok();
  }

  // Kept afterwards and listed among the target's snapshots: what a revert
  // --to-snapshot goes back to.
  Status snapshot_target() {
    auto started = ctx_.clock.monotonic();
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx_.store.next_id());
    const std::string name = fmt::format("velo-{}", id);
    const std::string volume = target_.branch.volume;
    op_.undo("the pre-" + spec_.kind + " snapshot", [this, volume, name] {
      (void)ctx_.store.delete_snapshot_named(volume, name);
      return ok_if_absent(ctx_.driver.destroy_snapshot(volume, name));
    });
    ctx_.reporter.step(fmt::format("snapshotting {} before the {}", result_.target, spec_.kind));
    VELO_ASSIGN_OR_RETURN(auto point, snapshot_branch(ctx_, target_, name));
    state::SnapshotRecord record = snapshot_record(target_, point, "user");
    record.label = spec_.snapshot_label;
    VELO_ASSIGN_OR_RETURN(result_.snapshot_id, ctx_.store.insert_snapshot(record));
    // What a revert --to-snapshot counts the discarded transactions from.
    VELO_ASSIGN_OR_RETURN(auto session, ctx_.pg.connect(conn_params(target_)));
    VELO_ASSIGN_OR_RETURN(
        auto rows, session->query("SELECT sum(xact_commit)::bigint::text FROM pg_stat_database"));
    result_.schemas["xact_commit"] = std::stoll(rows.at(0).at(0));
    result_.snapshot_ms = elapsed_ms(started, ctx_.clock.monotonic());
    return Status::Ok();
  }

  // Recorded before it is applied: a crash midway leaves "applying".
  Status record() {
    state::MergeRecord record;
    record.project = target_.project.name;
    record.source = spec_.source;
    record.target = target_.branch.name;
    record.kind = spec_.kind;
    record.reverts = spec_.reverts;
    record.created_at = format_utc(ctx_.clock.now());
    record.plan = diff::to_json(result_.plan).dump();
    record.rehearsal = to_json(result_.rehearsal).dump();
    record.snapshot_id = result_.snapshot_id;
    record.outcome = "applying";
    record.schemas = result_.schemas.dump();
    VELO_ASSIGN_OR_RETURN(result_.id, ctx_.store.insert_merge(record));
    const int64_t id = result_.id;
    op_.undo("the outcome",
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
        // Part of it is committed: the pre-change snapshot must stay.
        op_.commit();
        outcome_on_failure_ = "failed after committing part of it: " + applied.error().message;
        (void)ctx_.store.update_merge_outcome(result_.id, outcome_on_failure_);
        return make_error(applied.error().kind,
                          "{}; statements before it were committed: snapshot {} holds {} as it "
                          "was (velo merge revert {} --to-snapshot)",
                          applied.error().message, result_.snapshot_id, result_.target, result_.id);
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
  BranchHandle target_;
  const MigrationSpec& spec_;
  MergeResult result_;
  diff::ClusterSchema expected_;
  std::string outcome_on_failure_ = "rolled back";
  // Last: destroyed first, so its undos run while the state above lives.
  Operation op_;
};

}  // namespace

Result<MergeResult> run_migration(Context& ctx, const MergeOptions& options, BranchHandle target,
                                  const MigrationSpec& spec, const std::string& rolled_back) {
  Migration migration(ctx, options, std::move(target), spec, rolled_back);
  return migration.run();
}

}  // namespace velo::core
