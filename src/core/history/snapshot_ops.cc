#include "core/history/snapshot_ops.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/branch/branch_ops.h"
#include "core/history/pitr_time.h"
#include "core/locks.h"
#include "core/operation.h"
#include "core/space/pool.h"

namespace velo::core {
namespace {

bool newer_first(const state::SnapshotRecord& a, const state::SnapshotRecord& b) {
  return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
}

}  // namespace

state::SnapshotRecord snapshot_record(const BranchHandle& handle, const SnapshotPoint& point,
                                      const std::string& kind) {
  state::SnapshotRecord snapshot;
  snapshot.project = handle.project.name;
  snapshot.branch = handle.branch.name;
  snapshot.volume = handle.branch.volume;
  snapshot.name = point.name;
  snapshot.created_at = point.created_at;
  snapshot.lsn = point.lsn;
  snapshot.redo_lsn = point.redo_lsn;
  snapshot.kind = kind;
  snapshot.password = password_in_data_dir(handle.branch);
  return snapshot;
}

state::SnapshotRecord base_snapshot_record(const BranchHandle& parent, const std::string& child,
                                           const SnapshotPoint& point) {
  state::SnapshotRecord snapshot = snapshot_record(parent, point, "base");
  snapshot.for_branch = child;
  return snapshot;
}

Result<std::vector<std::string>> snapshot_dependents(Context& ctx,
                                                     const state::SnapshotRecord& snapshot) {
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(snapshot.project));
  std::vector<std::string> out;
  for (const auto& b : branches) {
    bool depends = b.parent_volume == snapshot.volume &&
                   (b.base_snapshot == snapshot.name || b.source_snapshot == snapshot.name);
    if (depends) out.push_back(b.project + "/" + b.name);
  }
  return out;
}

Status validate_label(const std::string& label) {
  constexpr size_t kMaxLabel = 200;
  bool control = std::any_of(label.begin(), label.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (label.size() > kMaxLabel || control) {
    return make_error(ErrorKind::Invalid,
                      "invalid --label: at most {} characters on one line, without control "
                      "characters (got {} bytes)",
                      kMaxLabel, label.size());
  }
  return Status::Ok();
}

Result<state::SnapshotRecord> snapshot_locked(Context& ctx, BranchHandle& handle,
                                              const std::string& kind, const std::string& label) {
  const std::string full = handle.project.name + "/" + handle.branch.name;
  std::string snapshot_name;
  state::SnapshotRecord record;
  Operation op("snapshot-create", fmt::format("no snapshot of {} was taken", full));
  VELO_TRY(op.step("reserve", [&] {
    return ctx.store.transaction([&]() -> Status {
      VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
      // "velo-" marks it as velo's for `velo gc`, like base snapshots.
      snapshot_name = fmt::format("velo-{}", id);
      return Status::Ok();
    });
  }));
  VELO_TRY(op.step("snapshot", [&]() -> Status {
    ctx.reporter.step(fmt::format("snapshotting {}", full));
    op.undo("the snapshot", [&] {
      return ok_if_absent(ctx.driver.destroy_snapshot(handle.branch.volume, snapshot_name));
    });
    VELO_ASSIGN_OR_RETURN(auto point, snapshot_branch(ctx, handle, snapshot_name));
    record = snapshot_record(handle, point, kind);
    record.label = label;
    return Status::Ok();
  }));
  VELO_TRY(op.step("commit", [&]() -> Status {
    VELO_ASSIGN_OR_RETURN(record.id, ctx.store.insert_snapshot(record));
    return Status::Ok();
  }));
  op.commit();
  return record;
}

Status first_window_snapshot(Context& ctx, Operation& op, BranchHandle& handle) {
  const state::BranchRecord& b = handle.branch;
  op.undo("the first snapshot's row",
          [&ctx, project = b.project, name = b.name, volume = b.volume] {
            return ctx.store.db().run(
                "DELETE FROM snapshots WHERE project = ? AND branch = ? AND volume = ?",
                {project, name, volume});
          });
  auto taken = snapshot_locked(ctx, handle, "scheduled", "");
  return taken.ok() ? Status::Ok() : Status(taken.error());
}

Result<state::SnapshotRecord> create_snapshot(Context& ctx, const BranchName& name,
                                              const std::string& label) {
  VELO_TRY(validate_label(label));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  if (handle.branch.status != "ready") {
    return make_error(ErrorKind::Conflict, "{} is still being created", name.full());
  }
  VELO_TRY(check_reserve(ctx, "snapshot " + name.full()));
  return explain_if_pool_full(ctx, "snapshot " + name.full(),
                              snapshot_locked(ctx, handle, "user", label));
}

Status delete_snapshot(Context& ctx, int64_t id) {
  VELO_ASSIGN_OR_RETURN(auto found, ctx.store.snapshot(id));
  if (!found) return make_error(ErrorKind::NotFound, "no snapshot with id {}", id);
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, found->project));
  VELO_ASSIGN_OR_RETURN(auto snapshot, ctx.store.snapshot(id));  // again, under the lock
  if (!snapshot) return make_error(ErrorKind::NotFound, "no snapshot with id {}", id);
  VELO_ASSIGN_OR_RETURN(auto dependents, snapshot_dependents(ctx, *snapshot));
  if (!dependents.empty()) {
    std::string names;
    for (const auto& d : dependents) names += (names.empty() ? "" : ", ") + d;
    const bool one = dependents.size() == 1;
    return make_error(ErrorKind::Conflict, "snapshot {} is kept: {} {} {} on it (delete {} first)",
                      id, one ? "branch" : "branches", names, one ? "depends" : "depend",
                      one ? "the branch" : "those branches");
  }
  VELO_TRY(destroy_or_retire(ctx, snapshot->volume, snapshot->name));
  return ctx.store.delete_snapshot(id);
}

Result<std::vector<state::SnapshotRecord>> select_prune_candidates(
    const std::vector<state::SnapshotRecord>& snapshots, const PruneOptions& options,
    std::chrono::system_clock::time_point now) {
  if (options.keep.has_value() == options.older_than.has_value()) {
    return make_error(ErrorKind::Invalid, "give exactly one of --keep N and --older-than DURATION");
  }
  std::vector<state::SnapshotRecord> user;
  for (const auto& s : snapshots) {
    if (s.kind == "user") user.push_back(s);
  }
  std::sort(user.begin(), user.end(), newer_first);
  std::vector<state::SnapshotRecord> out;
  for (size_t i = 0; i < user.size(); ++i) {
    if (options.keep) {
      if (i >= *options.keep) out.push_back(user[i]);
      continue;
    }
    auto created = parse_rfc3339(user[i].created_at);
    // A timestamp velo cannot read is not known to be old: keep it.
    if (created.ok() && *created < now - *options.older_than) out.push_back(user[i]);
  }
  return out;
}

Result<PruneResult> prune_snapshots(Context& ctx, const BranchName& name,
                                    const PruneOptions& options) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots(name.project, name.branch));
  VELO_ASSIGN_OR_RETURN(auto candidates,
                        select_prune_candidates(snapshots, options, ctx.clock.now()));
  PruneResult result;
  for (const auto& snapshot : candidates) {
    VELO_ASSIGN_OR_RETURN(auto dependents, snapshot_dependents(ctx, snapshot));
    if (!dependents.empty()) {
      result.kept_in_use.emplace_back(snapshot, dependents);
      continue;
    }
    VELO_TRY(destroy_or_retire(ctx, snapshot.volume, snapshot.name));
    VELO_TRY(ctx.store.delete_snapshot(snapshot.id));
    result.deleted.push_back(snapshot);
  }
  (void)handle;
  return result;
}

}  // namespace velo::core
