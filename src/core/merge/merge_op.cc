#include "core/merge/merge_op.h"

#include <fmt/format.h>

#include <future>
#include <utility>

#include "core/cluster.h"
#include "core/locks.h"
#include "core/merge/checks.h"
#include "core/merge/migration.h"
#include "core/merge/schemas.h"
#include "core/merge/sessions.h"
#include "diff/reader.h"
#include "diff/schema_json.h"
#include "diff/summary.h"
#include "util/timings.h"

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

// Where the source's changes start: its schema at its last merge into the
// target (as git's merge base moves with each merge), else the schema it
// started with.
Result<diff::ClusterSchema> merge_base(Context& ctx, const BranchHandle& source,
                                       const BranchHandle& target) {
  VELO_ASSIGN_OR_RETURN(
      auto last, ctx.store.last_merge(source.project.name, source.branch.name, target.branch.name));
  if (!last) return read_base_schema(ctx, source);
  auto json = nlohmann::json::parse(last->schemas, nullptr, false);
  if (json.is_discarded() || !json.contains("source")) {
    return make_error(ErrorKind::Io, "merge {}'s record is damaged: its schemas do not parse",
                      last->id);
  }
  return diff::schema_from_json(json["source"]);
}

// Base, ours and theirs read, three-way merged, planned: what the merge
// applies and the schema the target must have afterwards.
Status plan_merge(Context& ctx, BranchHandle& source, BranchHandle& target, MergeResult& result,
                  diff::ClusterSchema& expected) {
  VELO_TRY(require_running(source));
  VELO_TRY(require_running(target));
  // The running branches are read on a second thread while this one reads
  // the base, which may start a scratch server: that thread only talks to
  // PostgreSQL, never to the state or a runtime.
  using Read = Result<diff::ClusterSchema>;
  auto running = std::async(std::launch::async, [&ctx, &source, &target] {
    timings::Scope span("read source and target");
    Read ours = diff::read_cluster(ctx.pg, conn_params(source));
    Read theirs = ours.ok() ? diff::read_cluster(ctx.pg, conn_params(target)) : Read(ours.error());
    return std::pair<Read, Read>(std::move(ours), std::move(theirs));
  });
  Read base_read = [&] {
    timings::Scope span("read base");
    return merge_base(ctx, source, target);
  }();
  auto [ours_read, theirs_read] = running.get();
  VELO_ASSIGN_OR_RETURN(auto ours, std::move(ours_read));
  VELO_ASSIGN_OR_RETURN(auto theirs, std::move(theirs_read));
  VELO_TRY(check_compatible(ours, theirs, result.target));
  VELO_ASSIGN_OR_RETURN(auto base, std::move(base_read));
  diff::ThreeWay merge = diff::three_way(base, ours, theirs);
  if (!merge.conflicts.empty()) {
    return make_error(ErrorKind::Conflict, "{} conflict{} with {}: {}; nothing changed",
                      merge.conflicts.size(), merge.conflicts.size() == 1 ? "" : "s", result.target,
                      describe(merge.conflicts));
  }
  result.changes = merge.changes;
  result.plan = diff::plan(merge.changes, theirs, merge.merged);
  result.schemas = {{"source", diff::schema_to_json(ours)},
                    {"before", diff::schema_to_json(theirs)},
                    {"after", diff::schema_to_json(merge.merged)}};
  expected = std::move(merge.merged);
  VELO_ASSIGN_OR_RETURN(result.rows, changed_rows(ctx, source, theirs));
  return Status::Ok();
}

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
  MigrationSpec spec;
  spec.kind = "merge";
  spec.source = source.branch.name;
  spec.snapshot_label = fmt::format("before merging {}", name.full());
  spec.plan = [&](MergeResult& result, diff::ClusterSchema& expected) {
    result.source = name.full();
    return plan_merge(ctx, source, target, result, expected);
  };
  VELO_ASSIGN_OR_RETURN(auto result, run_migration(ctx, options, target, spec,
                                                   fmt::format("{} was not merged", name.full())));
  result.source = name.full();
  return result;
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
