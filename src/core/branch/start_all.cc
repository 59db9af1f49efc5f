#include "core/branch/start_all.h"

#include <fmt/format.h>

#include <deque>

#include "core/branch/branch_ops.h"
#include "core/branch/inspect.h"

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

StartOutcome start_one(Context& ctx, const state::BranchRecord& record) {
  StartOutcome outcome{{record.project, record.name}, "", ""};
  if (record.status != "ready") {
    outcome.result = "failed";
    outcome.reason = fmt::format("it is {} (velo gc)", record.status);
    return outcome;
  }
  auto handle = load_branch(ctx, record.project, record.name);
  if (!handle.ok()) return {outcome.branch, "failed", handle.error().message};
  const std::string status = server_status(*handle);
  if (status == "running" || status == "recovering") return {outcome.branch, "running", ""};
  if (status == "stopped") return {outcome.branch, "stopped", ""};
  ctx.reporter.step(fmt::format("starting {}", outcome.branch.full()));
  Status started = start_branch(ctx, outcome.branch);
  if (!started.ok()) return {outcome.branch, "failed", started.error().message};
  outcome.result = "started";
  return outcome;
}

}  // namespace

Result<std::vector<StartOutcome>> start_crashed_locked(Context& ctx, const std::string& project) {
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  std::vector<StartOutcome> outcomes;
  for (const auto& record : parents_first(branches)) {
    if (record.status != "ready" || record.stopped_by_user) continue;
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, record.project, record.name));
    if (server_status(handle) != "crashed") continue;
    ctx.reporter.step(fmt::format("starting {}/{}, which crashed", record.project, record.name));
    Status started = start_branch_locked(ctx, handle);
    outcomes.push_back({{record.project, record.name},
                        started.ok() ? "started" : "failed",
                        started.ok() ? "" : started.error().message});
  }
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
  for (const auto& name : projects) {
    VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(name));
    for (const auto& record : parents_first(branches)) {
      outcomes.push_back(start_one(ctx, record));
    }
  }
  return outcomes;
}

}  // namespace velo::core
