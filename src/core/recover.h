// What a command killed midway (SIGKILL, a power loss) left in the state:
// branch rows whose status says an operation was under way ("creating",
// "resetting", "rotating", "deleting"). Every command that changes a
// project holds its lock from its first write to its last, so such a row,
// seen by a holder of the lock, is a dead command's: the next command on
// the project, or `velo gc`, finishes it.
#pragma once

#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"

namespace velo::core {

// Whether the row is an operation's that did not finish.
bool is_interrupted(const state::BranchRecord& branch);

// Finishes one: a create is rolled back (what it made goes; a project
// whose main was never made goes with it), a reset or password change
// forward (branch_ops.h, finish_interrupted), and so is a delete (of a
// project, when the row is a root's). Returns what was done, for
// people ("removed the half-made branch p/x"). The caller holds the lock.
Result<std::string> finish_interrupted_operation(Context& ctx, BranchHandle& handle);

// Finishes every interrupted operation of the project, then removes the
// volumes and snapshots of the project that no row names any more;
// returns what was done. The caller holds the lock.
Result<std::vector<std::string>> finish_interrupted_operations(Context& ctx,
                                                               const std::string& project);

}  // namespace velo::core
