// Who is connected to a branch: what a destructive command cuts off.
#pragma once

#include "core/cluster.h"
#include "core/context.h"
#include "util/result.h"

namespace velo::core {

// The client sessions on the branch's server besides velo's own; 0 when
// the server is not running.
Result<int> count_clients(Context& ctx, BranchHandle& handle);

}  // namespace velo::core
