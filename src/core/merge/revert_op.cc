#include "core/merge/revert_op.h"

#include <fmt/format.h>

#include "core/branch/branch_ops.h"
#include "core/locks.h"
#include "core/merge/checks.h"
#include "core/merge/migration.h"
#include "core/merge/schemas.h"
#include "diff/schema_json.h"
#include "diff/three_way.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

Result<state::MergeRecord> revertible(Context& ctx, int64_t id) {
  VELO_ASSIGN_OR_RETURN(auto record, ctx.store.merge(id));
  if (!record) return make_error(ErrorKind::NotFound, "no merge with id {}", id);
  if (record->kind != "merge") {
    return make_error(ErrorKind::Invalid, "{} is a revert, not a merge", id);
  }
  if (record->outcome != "applied") {
    return make_error(ErrorKind::Invalid, "merge {} cannot be reverted: it is '{}'", id,
                      record->outcome);
  }
  return *record;
}

Result<diff::ClusterSchema> recorded(const nlohmann::json& schemas, const char* which, int64_t id) {
  if (!schemas.is_object() || !schemas.contains(which)) {
    return make_error(ErrorKind::Io, "merge {}'s record has no '{}' schema", id, which);
  }
  return diff::schema_from_json(schemas[which]);
}

std::string describe(const std::vector<diff::Conflict>& conflicts) {
  std::string out;
  for (const auto& c : conflicts) {
    out += fmt::format("{}{} {} in {} (the merge: {}; since: {})", out.empty() ? "" : "; ", c.kind,
                       c.identity, c.database, c.ours, c.theirs);
  }
  return out;
}

// What the target wrote since the snapshot, in words: WAL bytes since its
// LSN and transactions committed since the merge (pg_stat_database).
Result<std::string> writes_since(Context& ctx, BranchHandle& target,
                                 const state::SnapshotRecord& snapshot,
                                 const nlohmann::json& schemas) {
  VELO_ASSIGN_OR_RETURN(auto session, ctx.pg.connect(conn_params(target)));
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      session->query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint::text, "
                     "(SELECT sum(xact_commit) FROM pg_stat_database)::bigint::text",
                     {snapshot.lsn.empty() ? "0/0" : snapshot.lsn}));
  std::string out = fmt::format("{} bytes of WAL", rows.at(0).at(0));
  if (schemas.contains("xact_commit")) {
    int64_t then = schemas["xact_commit"].get<int64_t>();
    int64_t now = std::stoll(rows.at(0).at(1));
    out = fmt::format("about {} transactions, {}", now > then ? now - then : 0, out);
  }
  return out;
}

Result<RevertResult> to_snapshot(Context& ctx, const RevertOptions& options,
                                 const state::MergeRecord& record, BranchHandle target,
                                 const nlohmann::json& schemas) {
  RevertResult out;
  const std::string full = record.project + "/" + record.target;
  VELO_ASSIGN_OR_RETURN(auto snapshot, ctx.store.snapshot(record.snapshot_id));
  if (!snapshot) {
    return make_error(ErrorKind::NotFound,
                      "merge {}'s pre-merge snapshot {} was deleted: revert without --to-snapshot",
                      record.id, record.snapshot_id);
  }
  VELO_ASSIGN_OR_RETURN(out.discarded, writes_since(ctx, target, *snapshot, schemas));
  out.snapshot_id = snapshot->id;
  out.migration.source = fmt::format("merge {}", record.id);
  out.migration.target = full;
  if (!options.merge.allow_hazards || options.merge.dry_run) {
    if (options.merge.dry_run) return out;
    return make_error(ErrorKind::Invalid,
                      "putting {} back to snapshot {} discards every write since the merge ({}): "
                      "pass --allow-hazards to do it; nothing changed",
                      full, snapshot->id, out.discarded);
  }
  VELO_TRY(restore_branch_locked(ctx, BranchName{record.project, record.target}, *snapshot));
  out.restored = true;
  state::MergeRecord revert;
  revert.project = record.project;
  revert.source = record.source;
  revert.target = record.target;
  revert.kind = "revert";
  revert.reverts = record.id;
  revert.created_at = format_utc(ctx.clock.now());
  revert.plan = "[]";
  revert.rehearsal = "{}";
  revert.snapshot_id = snapshot->id;
  revert.outcome = fmt::format("applied: restored snapshot {}", snapshot->id);
  VELO_ASSIGN_OR_RETURN(out.migration.id, ctx.store.insert_merge(revert));
  // The snapshot predates every later merge into the target: undone too.
  VELO_TRY(ctx.store.db().run(
      "UPDATE merges SET outcome = ? WHERE project = ? AND target = ? AND id > ? AND id < ? "
      "AND outcome = 'applied'",
      {fmt::format("applied, undone by {}", out.migration.id), record.project, record.target,
       record.id, out.migration.id}));
  return out;
}

}  // namespace

Result<RevertResult> revert_merge(Context& ctx, const RevertOptions& options) {
  VELO_ASSIGN_OR_RETURN(auto record, revertible(ctx, options.id));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, record.project));
  VELO_ASSIGN_OR_RETURN(record, revertible(ctx, options.id));  // again, under the lock
  VELO_ASSIGN_OR_RETURN(auto target, load_branch(ctx, record.project, record.target));
  VELO_TRY(check_target(target));
  auto schemas = nlohmann::json::parse(record.schemas, nullptr, false);
  RevertResult out;
  if (options.to_snapshot) {
    VELO_ASSIGN_OR_RETURN(out, to_snapshot(ctx, options, record, target, schemas));
  } else {
    VELO_ASSIGN_OR_RETURN(auto before, recorded(schemas, "before", record.id));
    VELO_ASSIGN_OR_RETURN(auto after, recorded(schemas, "after", record.id));
    MigrationSpec spec;
    spec.kind = "revert";
    spec.source = record.source;
    spec.reverts = record.id;
    spec.snapshot_label = fmt::format("before reverting merge {}", record.id);
    spec.plan = [&](MergeResult& result, diff::ClusterSchema& expected) -> Status {
      VELO_ASSIGN_OR_RETURN(auto now, read_branch_schema(ctx, target));
      diff::ThreeWay undo = diff::three_way(after, before, now);
      if (!undo.conflicts.empty()) {
        return make_error(ErrorKind::Conflict,
                          "merge {} cannot be undone by a migration: {} changed since in ways "
                          "that conflict ({}); --to-snapshot puts it back instead",
                          record.id, result.target, describe(undo.conflicts));
      }
      result.source = fmt::format("merge {}", record.id);
      result.changes = undo.changes;
      result.plan = diff::plan(undo.changes, now, undo.merged);
      result.schemas = {{"source", schemas.value("source", nlohmann::json::object())},
                        {"before", diff::schema_to_json(now)},
                        {"after", diff::schema_to_json(undo.merged)}};
      expected = std::move(undo.merged);
      return Status::Ok();
    };
    VELO_ASSIGN_OR_RETURN(out.migration,
                          run_migration(ctx, options.merge, target, spec,
                                        fmt::format("merge {} was not reverted", record.id)));
    out.migration.source = fmt::format("merge {}", record.id);
    if (out.migration.id == 0) return out;  // a dry run, or nothing to undo
  }
  if (out.migration.id != 0) {
    VELO_TRY(ctx.store.update_merge_outcome(
        record.id, fmt::format("applied, reverted by {}", out.migration.id)));
  }
  return out;
}

}  // namespace velo::core
