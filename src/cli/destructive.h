// The questions destructive commands ask a person at a terminal first
// (cli/confirm.h): what goes, and how many connected clients it cuts off.
#pragma once

#include "core/context.h"
#include "core/names.h"
#include "util/result.h"

namespace velo::cli {

// Asked only when the delete can go ahead (not of main, not of a branch
// with children unless `force`).
Status confirm_branch_delete(core::Context& ctx, const core::BranchName& name, bool force,
                             bool yes);
// Reset asks only when clients are connected: their sessions end.
Status confirm_branch_reset(core::Context& ctx, const core::BranchName& name, bool yes);
// Asked only when the delete can go ahead: without --force (`force`), a
// project with branches besides main is refused instead.
Status confirm_project_delete(core::Context& ctx, const std::string& project, bool force, bool yes);

}  // namespace velo::cli
