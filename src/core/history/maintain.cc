#include "core/history/maintain.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/branch/branch_ops.h"
#include "core/branch/start_all.h"
#include "core/history/retention_ops.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_ops.h"
#include "core/locks.h"
#include "core/space/project_space.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

// Long enough for a quick command to finish; a long one (an import, a
// merge) is not waited for: the next run does the work.
constexpr int kLockTimeoutS = 5;

constexpr const char* kMaintainedAtKey = "maintained_at";
constexpr const char* kResultKey = "maintain_result";
constexpr const char* kFailedPrefix = "failed: ";

// The first line of `message`, at most 200 bytes: a reason for one line of
// velo doctor.
std::string short_reason(const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  if (line.size() > 200) line = line.substr(0, 197) + "...";
  return line;
}

Status record_run(Context& ctx, const std::string& result) {
  return ctx.store.transaction([&]() -> Status {
    VELO_TRY(ctx.store.set_meta(kMaintainedAtKey, format_utc(ctx.clock.now())));
    return ctx.store.set_meta(kResultKey, result);
  });
}

Status snapshot_if_due(Context& ctx, const RetentionPolicy& policy, BranchHandle& branch,
                       ProjectMaintenance& out) {
  const std::string& name = branch.branch.name;
  if (branch.branch.status != "ready") {
    out.notes.push_back(fmt::format("{} is busy ({}): no snapshot", name, branch.branch.status));
    return Status::Ok();
  }
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots(branch.project.name, name));
  auto last = newest_snapshot_time(snapshots, branch.branch.volume, "scheduled");
  if (last && ctx.clock.now() - *last < policy.snapshot_every) return Status::Ok();
  VELO_ASSIGN_OR_RETURN(bool running, is_running(branch));
  if (!running) {
    out.notes.push_back(
        fmt::format("{} is stopped: no scheduled snapshot (its WAL does not move either)", name));
    return Status::Ok();
  }
  VELO_ASSIGN_OR_RETURN(auto taken, snapshot_locked(ctx, branch, "scheduled", ""));
  out.taken.push_back(std::move(taken));
  return Status::Ok();
}

Status prune_snapshots_past_retention(Context& ctx, const state::ProjectRecord& project,
                                      const RetentionPlan& plan, ProjectMaintenance& out) {
  for (const auto& d : plan.decisions) {
    if (d.kept()) continue;
    ctx.reporter.step(fmt::format("pruning snapshot {} of {}/{}", d.snapshot.id, project.name,
                                  d.snapshot.branch));
    VELO_TRY(destroy_or_retire(ctx, d.snapshot.volume, d.snapshot.name));
    VELO_TRY(ctx.store.delete_snapshot(d.snapshot.id));
    out.pruned.push_back(d.snapshot);
  }
  return Status::Ok();
}

Status prune_wal_past_retention(const RetentionPlan& plan, BranchHandle& branch,
                                ProjectMaintenance& out) {
  if (branch.spec.archive_dir.empty()) return Status::Ok();
  auto needed = plan.wal_needed_from.find(branch.branch.volume);
  if (needed == plan.wal_needed_from.end()) {
    if (plan.wal_unknown.count(branch.branch.volume) != 0) {
      out.notes.push_back(fmt::format("a kept snapshot of {} has no recorded redo point: WAL kept",
                                      branch.branch.name));
    }
    return Status::Ok();
  }
  auto removed = remove_wal_before(branch.spec.archive_dir, needed->second);
  if (!removed.ok()) {
    if (removed.error().kind == ErrorKind::NotFound) return Status::Ok();  // nothing archived yet
    return removed.error();
  }
  out.wal_files_removed += removed->removed.size();
  out.wal_bytes_removed += removed->bytes_removed;
  return Status::Ok();
}

// The branches with a retention window, main first, as handles.
Result<std::vector<std::pair<BranchHandle, RetentionPolicy>>> windowed_branches(
    Context& ctx, const state::ProjectRecord& project) {
  VELO_ASSIGN_OR_RETURN(auto rows, ctx.store.branches(project.name));
  std::stable_partition(rows.begin(), rows.end(), [](const auto& b) { return !b.parent; });
  std::vector<std::pair<BranchHandle, RetentionPolicy>> out;
  for (const auto& row : rows) {
    auto policy = policy_of(project, row);
    if (!policy) continue;
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, project.name, row.name));
    out.emplace_back(std::move(handle), *policy);
  }
  return out;
}

}  // namespace

Result<ProjectMaintenance> maintain_project(Context& ctx, const std::string& name) {
  ProjectMaintenance out;
  out.project = name;
  auto lock = lock_project(ctx, name, kLockTimeoutS);
  if (!lock.ok()) {
    if (lock.error().kind != ErrorKind::Busy) return lock.error();
    out.notes.push_back("busy (another velo holds its lock): skipped until the next run");
    return out;
  }
  VELO_ASSIGN_OR_RETURN(auto project, load_project(ctx, name));
  // Before the snapshots: a main that is back takes its scheduled one.
  VELO_ASSIGN_OR_RETURN(auto started, start_crashed_locked(ctx, name));
  for (const auto& s : started) {
    if (s.result == "started") {
      out.restarted.push_back(s.branch.full());
    } else {
      out.notes.push_back(fmt::format("{} crashed and did not start: {}", s.branch.full(),
                                      s.reason.substr(0, s.reason.find('\n'))));
    }
  }
  VELO_ASSIGN_OR_RETURN(auto windowed, windowed_branches(ctx, project));
  if (windowed.empty() || windowed.front().first.branch.parent) {
    out.notes.push_back("no main branch");
  }
  for (auto& [handle, policy] : windowed) VELO_TRY(snapshot_if_due(ctx, policy, handle, out));
  // One plan for both: the WAL kept snapshots need does not change when
  // the unkept ones go.
  VELO_ASSIGN_OR_RETURN(auto plan, project_retention(ctx, project));
  VELO_TRY(prune_snapshots_past_retention(ctx, project, plan, out));
  for (auto& [handle, policy] : windowed) VELO_TRY(prune_wal_past_retention(plan, handle, out));
  return out;
}

Result<std::optional<LastMaintain>> last_maintain(state::Store& store) {
  VELO_ASSIGN_OR_RETURN(auto at, store.get_meta(kMaintainedAtKey));
  if (!at) return std::optional<LastMaintain>();
  VELO_ASSIGN_OR_RETURN(auto result, store.get_meta(kResultKey));
  LastMaintain last{*at, true, ""};
  // No result: a velo from before results were kept, whose runs recorded
  // only their time.
  if (result && result->starts_with(kFailedPrefix)) {
    last.ok = false;
    last.reason = result->substr(std::string(kFailedPrefix).size());
  }
  return std::optional<LastMaintain>(last);
}

Result<std::vector<ProjectMaintenance>> maintain_home(Context& ctx) {
  auto projects = ctx.store.projects();
  if (!projects.ok()) {
    // Recorded if the state takes it; the error is the command's either way.
    (void)record_run(ctx, kFailedPrefix + short_reason(projects.error().message));
    return projects.error();
  }
  std::vector<ProjectMaintenance> out;
  std::string first_failure;
  size_t failures = 0;
  for (const auto& p : *projects) {
    auto done = maintain_project(ctx, p.name);
    if (done.ok()) {
      out.push_back(std::move(*done));
    } else {
      ProjectMaintenance failed;
      failed.project = p.name;
      failed.notes.push_back("failed: " + done.error().message);
      out.push_back(std::move(failed));
      if (failures++ == 0) first_failure = p.name + ": " + short_reason(done.error().message);
    }
  }
  // Sizes for `velo status`, which then need not walk volumes itself.
  (void)refresh_space(ctx, kMaintainSpaceAge);
  std::string result = "ok";
  if (failures > 0) {
    result = kFailedPrefix + first_failure;
    if (failures > 1) result += fmt::format(" (and {} more projects)", failures - 1);
  }
  VELO_TRY(record_run(ctx, result));
  return out;
}

}  // namespace velo::core
