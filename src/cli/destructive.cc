#include "cli/destructive.h"

#include <fmt/format.h>

#include "cli/confirm.h"
#include "cli/output.h"
#include "core/branch/clients.h"
#include "core/cluster.h"

namespace velo::cli {
namespace {

// Connected clients of a branch, 0 when that cannot be told (the question
// is then asked without the count).
int clients_of(core::Context& ctx, const std::string& project, const std::string& branch) {
  auto handle = core::load_branch(ctx, project, branch);
  if (!handle.ok()) return 0;
  auto clients = core::count_clients(ctx, *handle);
  return clients.ok() ? *clients : 0;
}

std::string cut_off(int clients) {
  if (clients == 0) return "";
  return fmt::format(" {} {} connected and will be disconnected.",
                     counted(clients, "client", "clients"), clients == 1 ? "is" : "are");
}

}  // namespace

Status confirm_branch_delete(core::Context& ctx, const core::BranchName& name, bool force,
                             bool yes) {
  if (yes || !interactive_terminal()) return Status::Ok();
  auto handle = core::load_branch(ctx, name.project, name.branch);
  auto children = ctx.store.children(name.project, name.branch);
  // The command itself says what is wrong.
  if (!handle.ok() || !handle->branch.parent || !children.ok()) return Status::Ok();
  if (!children->empty() && !force) return Status::Ok();
  std::string also;
  if (!children->empty()) {
    also = fmt::format(" with its {}", counted(static_cast<int>(children->size()), "child branch",
                                               "child branches"));
  }
  auto clients = core::count_clients(ctx, *handle);
  return confirm(fmt::format("Delete branch {}{} and its data?{}", name.full(), also,
                             cut_off(clients.ok() ? *clients : 0)),
                 name.full(), false);
}

Status confirm_branch_reset(core::Context& ctx, const core::BranchName& name, bool yes) {
  if (yes || !interactive_terminal()) return Status::Ok();
  int clients = clients_of(ctx, name.project, name.branch);
  if (clients == 0) return Status::Ok();
  return confirm(
      fmt::format("Reset {} to its parent's current state?{}", name.full(), cut_off(clients)),
      name.full(), false);
}

Status confirm_project_delete(core::Context& ctx, const std::string& project, bool force,
                              bool yes) {
  if (yes || !interactive_terminal()) return Status::Ok();
  auto branches = ctx.store.branches(project);
  // The command itself says what is wrong.
  if (!branches.ok() || branches->empty() || (!force && branches->size() > 1)) return Status::Ok();
  int clients = 0;
  for (const auto& branch : *branches) clients += clients_of(ctx, project, branch.name);
  return confirm(fmt::format("Delete project {} with its {} and all their data?{}", project,
                             counted(static_cast<int>(branches->size()), "branch", "branches"),
                             cut_off(clients)),
                 "project " + project, false);
}

}  // namespace velo::cli
