// Per-project operation locks: every command that changes a project holds
// HOME/locks/<project>.lock from its first read to its last write.
#pragma once

#include <string>

#include "core/context.h"
#include "state/lock.h"
#include "util/interrupt.h"

namespace velo::core {

// A project's lock. While it is held, SIGINT and SIGTERM are deferred
// (util/interrupt.h): a command that changes a project finishes, or undoes
// what it made, before it exits. The lock file goes again on release when
// the project has no row then: a refused command on an unknown project, a
// failed project create and a project delete leave no lock file behind.
// REQUIRES: `ctx` outlives the lock.
struct ProjectLock {
  state::FileLock file;
  interrupt::Deferral deferral;
};

// Busy when another velo holds it for longer than `timeout_s`. Once it
// is held, what commands killed midway left of the project is finished
// first (core/recover.h), and said on stderr; what cannot be finished is
// a warning, left for `velo gc`.
Result<ProjectLock> lock_project(Context& ctx, const std::string& project, int timeout_s = 600);
// Whether a velo holds the project's lock now: a row that says an
// operation is under way ("creating", ...) is one only while it does.
Result<bool> project_lock_held(Context& ctx, const std::string& project);
// The lock alone, for gc, which finishes those itself and reports them.
Result<ProjectLock> acquire_project_lock(Context& ctx, const std::string& project,
                                         int timeout_s = 600);

}  // namespace velo::core
