// The parent side of a point-in-time branch: what its archive and
// snapshots make recoverable, and sealing its WAL into the archive.
#pragma once

#include <chrono>
#include <optional>

#include "core/cluster.h"
#include "core/context.h"
#include "core/history/pitr_plan.h"

namespace velo::core {

// Invalid when the parent does not archive; Conflict when it is stopped
// (its newest WAL reaches the archive only while it runs).
Result<WindowInputs> window_inputs(Context& ctx, BranchHandle& parent);

// Makes every moment up to now recoverable: commits an empty transaction
// with an XID (a time target then always has a later commit to stop
// before, even on an idle database), switches to a new WAL segment, and
// waits until the finished segment is in the archive. Timeout names the
// archiver's last failure. With an LSN target whose segment and the next
// are archived already (a moment in the past), there is nothing to seal.
Status seal_archive(Context& ctx, BranchHandle& parent, std::optional<Lsn> target = std::nullopt,
                    std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace velo::core
