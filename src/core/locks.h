// Per-project operation locks: every command that changes a project holds
// HOME/locks/<project>.lock from its first read to its last write.
#pragma once

#include <string>

#include "core/context.h"
#include "state/lock.h"

namespace velo::core {

// The lock file goes again on release when the project has no row then:
// a refused command on an unknown project, a failed project create and a
// project delete leave no lock file behind.
// REQUIRES: `ctx` outlives the lock.
Result<state::FileLock> lock_project(Context& ctx, const std::string& project);

}  // namespace velo::core
