// velo start --all: back after a reboot or a power loss. Every ready
// branch that should run (not stopped by the user) and has no server is
// started, parents before their children, as many side by side as there
// are cores, under its project's lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/names.h"

namespace velo::core {

struct StartOutcome {
  BranchName branch;
  // started | running (it already was) | stopped (by the user: left so) |
  // failed
  std::string result;
  std::string reason;  // why it failed
};

// All projects, or only `project`. A failure to start one branch does not
// stop the others; each is reported.
Result<std::vector<StartOutcome>> start_all(Context& ctx,
                                            const std::optional<std::string>& project);

// What velo maintain does for a project whose lock it holds: starts the
// branches that crashed (ready, not stopped by the user, no server: a
// killed postmaster, a power loss, a full disk that made it give up),
// parents first. Returns one outcome per branch it tried, "started" or
// "failed"; the others are not listed.
Result<std::vector<StartOutcome>> start_crashed_locked(Context& ctx, const std::string& project);

}  // namespace velo::core
