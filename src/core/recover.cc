#include "core/recover.h"

#include <fmt/format.h>

#include "core/branch/branch_ops.h"
#include "core/project/orphans.h"
#include "core/project/project_ops.h"

namespace velo::core {

bool is_interrupted(const state::BranchRecord& branch) {
  return branch.status == "creating" || branch.status == "resetting" ||
         branch.status == "rotating" || branch.status == "deleting";
}

Result<std::string> finish_interrupted_operation(Context& ctx, BranchHandle& handle) {
  const state::BranchRecord record = handle.branch;
  const std::string full = record.project + "/" + record.name;
  if (record.status == "deleting") {
    // The intent was recorded: the delete goes forward.
    if (!record.parent) {
      VELO_ASSIGN_OR_RETURN(std::string warning, finish_project_delete(ctx, record.project));
      if (!warning.empty()) fmt::print(stderr, "velo: warning: {}\n", warning);
      return fmt::format("finished deleting project {}", record.project);
    }
    VELO_TRY(delete_branch_tree(ctx, handle));
    VELO_TRY(retry_retired(ctx, record.project));
    return fmt::format("finished deleting branch {}", full);
  }
  if (record.status != "creating") {
    const char* what = record.status == "resetting" ? "reset" : "password change";
    VELO_TRY(finish_interrupted(ctx, handle));
    return fmt::format("finished the interrupted {} of {}", what, full);
  }
  VELO_TRY(delete_branch_tree(ctx, handle));
  // A project's row and its main's are written in one transaction: a main
  // that was never made is a project that was not either.
  if (!record.parent) {
    VELO_ASSIGN_OR_RETURN(auto left, ctx.store.branches(record.project));
    if (left.empty()) {
      VELO_TRY(ctx.store.delete_project(record.project));
      return fmt::format("removed the half-made project {}", record.project);
    }
  }
  return fmt::format("removed the half-made branch {}", full);
}

Result<std::vector<std::string>> finish_interrupted_operations(Context& ctx,
                                                               const std::string& project) {
  std::vector<std::string> done;
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  for (const auto& branch : branches) {
    if (!is_interrupted(branch)) continue;
    // Read again: a half-made parent's removal takes its children along.
    VELO_ASSIGN_OR_RETURN(auto fresh, ctx.store.branch(project, branch.name));
    if (!fresh || !is_interrupted(*fresh)) continue;
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, project, branch.name));
    VELO_ASSIGN_OR_RETURN(std::string what, finish_interrupted_operation(ctx, handle));
    done.push_back(std::move(what));
  }
  if (done.empty()) return done;
  // A reset killed after its row named the new clone leaves the old one
  // and its archive, which no row names any more.
  VELO_ASSIGN_OR_RETURN(auto leftovers, remove_project_leftovers(ctx, project));
  for (const auto& what : leftovers) done.push_back("removed the leftover " + what);
  return done;
}

}  // namespace velo::core
