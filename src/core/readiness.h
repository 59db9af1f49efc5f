// The one readiness loop behind start_and_wait (core/cluster.h), for a
// caller that spawns servers itself: velo start --all spawns several, then
// waits for each.
#pragma once

#include "core/cluster.h"
#include "core/context.h"

namespace velo::core {

// Waits until the branch's spawned server is up, as `wait` defines it: the
// postmaster's status line, then one ping, polled every 0.5-5 ms through
// the clock; fails early, with the server's last log lines, when the
// server exits.
Status wait_until_up(Context& ctx, BranchHandle& handle, const ReadyWait& wait = {});

}  // namespace velo::core
