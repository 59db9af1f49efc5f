// The retention plan (retention.h) of a project as it stands in the state
// database, and what branch reset and delete do with the base snapshot a
// branch gives up: keep it as history while the plan keeps it.
#pragma once

#include <optional>
#include <string>

#include "core/context.h"
#include "core/history/retention.h"
#include "state/records.h"

namespace velo::core {

// Windows: main's (the project's policy) and those of branches created with
// --retention (policy_of).
// `released`: a branch whose claim on its base snapshot no longer counts.
Result<RetentionPlan> project_retention(Context& ctx, const state::ProjectRecord& project,
                                        const state::BranchRecord* released = nullptr);

// The scheduled snapshots a branch's window kept on `volume`, its
// incarnation before a reset, whose archive goes with it: destroyed unless
// a branch or merge depends on one.
// REQUIRES: the caller holds the project lock; no branch lives on `volume`.
Status drop_window_history(Context& ctx, const state::ProjectRecord& project,
                           const std::string& volume);

// `claimant` gives up its base snapshot (reset, delete): destroyed when
// nothing keeps it, else kept as history (the window, another branch).
// REQUIRES: the caller holds the project lock.
Status release_base_snapshot(Context& ctx, const state::BranchRecord& claimant);

}  // namespace velo::core
