#include "core/branch/start_all.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>

#include "core/branch/branch_ops.h"
#include "core/branch/inspect.h"
#include "core/locks.h"
#include "core/readiness.h"

namespace velo::core {
namespace {

// Parents before children (an imported main before the branches of its
// data), in name order within a level.
std::vector<state::BranchRecord> parents_first(const std::vector<state::BranchRecord>& branches) {
  std::vector<state::BranchRecord> ordered;
  std::deque<std::string> level{""};  // "" stands for "no parent"
  while (!level.empty()) {
    const std::string parent = level.front();
    level.pop_front();
    for (const auto& b : branches) {
      if (b.parent.value_or("") != parent) continue;
      ordered.push_back(b);
      level.push_back(b.name);
    }
  }
  // A branch whose parent row is gone is still started, last.
  for (const auto& b : branches) {
    bool placed = false;
    for (const auto& o : ordered) placed = placed || o.name == b.name;
    if (!placed) ordered.push_back(b);
  }
  return ordered;
}

// What start --all does with a branch, short of starting it: the outcome
// for one it leaves ("running", "stopped", "failed"), or nullopt with its
// handle loaded for one to start.
std::optional<StartOutcome> triage(Context& ctx, const state::BranchRecord& record,
                                   std::optional<BranchHandle>& handle) {
  const BranchName name{record.project, record.name};
  if (record.status != "ready") {
    return StartOutcome{name, "failed", fmt::format("it is {} (velo gc)", record.status)};
  }
  auto loaded = load_branch(ctx, record.project, record.name);
  if (!loaded.ok()) return StartOutcome{name, "failed", loaded.error().message};
  const std::string status = server_status(*loaded);
  if (status == "running" || status == "recovering") return StartOutcome{name, "running", ""};
  if (status == "stopped") return StartOutcome{name, "stopped", ""};
  if (status == "missing") {
    // A start's own refusal says what is missing and what to run.
    Status refused = start_branch_locked(ctx, *loaded);
    return StartOutcome{name, "failed", refused.ok() ? "" : refused.error().message};
  }
  handle = std::move(*loaded);
  return std::nullopt;
}

// Starts the servers of `handles`, as many side by side as there are
// cores: each batch spawned first, then each waited for, so that their
// crash recoveries overlap. What is left of a start (the password, the
// desired state) is start_branch_locked's, which finds the server running.
void start_side_by_side(Context& ctx, std::vector<BranchHandle>& handles,
                        std::vector<StartOutcome>& outcomes) {
  const size_t width = std::max(1U, std::thread::hardware_concurrency());
  for (size_t first = 0; first < handles.size(); first += width) {
    const size_t end = std::min(handles.size(), first + width);
    std::vector<Status> spawned;
    for (size_t i = first; i < end; ++i) {
      BranchHandle& handle = handles[i];
      ctx.reporter.step(fmt::format("starting {}/{}", handle.project.name, handle.branch.name));
      Status prepared = prepare_data_dir(handle);
      spawned.push_back(prepared.ok() ? handle.runtime->start(handle.spec) : prepared);
    }
    for (size_t i = first; i < end; ++i) {
      Status started = spawned[i - first];
      if (started.ok()) started = wait_until_up(ctx, handles[i]);
      if (started.ok()) started = start_branch_locked(ctx, handles[i]);
      outcomes.push_back({{handles[i].project.name, handles[i].branch.name},
                          started.ok() ? "started" : "failed",
                          started.ok() ? "" : started.error().message});
    }
  }
}

// The project's branches that should run and do not are started, parents
// first; one outcome per branch.
Status start_project(Context& ctx, const std::string& project,
                     std::vector<StartOutcome>& outcomes) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, project));
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  std::vector<BranchHandle> to_start;
  for (const auto& record : parents_first(branches)) {
    std::optional<BranchHandle> handle;
    if (auto left = triage(ctx, record, handle)) {
      outcomes.push_back(std::move(*left));
    } else {
      to_start.push_back(std::move(*handle));
    }
  }
  start_side_by_side(ctx, to_start, outcomes);
  return Status::Ok();
}

}  // namespace

Result<std::vector<StartOutcome>> start_crashed_locked(Context& ctx, const std::string& project) {
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  std::vector<BranchHandle> crashed;
  for (const auto& record : parents_first(branches)) {
    if (record.status != "ready" || record.stopped_by_user) continue;
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, record.project, record.name));
    if (server_status(handle) == "crashed") crashed.push_back(std::move(handle));
  }
  std::vector<StartOutcome> outcomes;
  start_side_by_side(ctx, crashed, outcomes);
  return outcomes;
}

Result<std::vector<StartOutcome>> start_all(Context& ctx,
                                            const std::optional<std::string>& project) {
  std::vector<std::string> projects;
  if (project) {
    VELO_TRY(load_project(ctx, *project));
    projects.push_back(*project);
  } else {
    VELO_ASSIGN_OR_RETURN(auto all, ctx.store.projects());
    for (const auto& p : all) projects.push_back(p.name);
  }
  std::vector<StartOutcome> outcomes;
  for (const auto& name : projects) VELO_TRY(start_project(ctx, name, outcomes));
  return outcomes;
}

}  // namespace velo::core
