// Per-project operation locks: every command that changes a project holds
// HOME/locks/<project>.lock from its first read to its last write.
#pragma once

#include <string>

#include "core/context.h"
#include "state/lock.h"

namespace velo::core {

Result<state::FileLock> lock_project(Context& ctx, const std::string& project);

}  // namespace velo::core
