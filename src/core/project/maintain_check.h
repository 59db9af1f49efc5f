// velo doctor's "maintenance" finding: is `velo maintain` run by itself,
// and did its last run end well and lately? Scheduled snapshots and
// pruning past retention fall behind without it.
#pragma once

#include "core/context.h"
#include "core/project/doctor.h"
#include "core/project/maintain_timer.h"

namespace velo::core {

// ok: the last run ended well and lately, and the home's timer (when its
// units are present) is active. A home without a timer whose runs are
// recent is ok too: `velo maintain --every 60s`, `velo serve --maintain`
// or cron does the work. warn: never ran, the last run failed (with its
// reason) or is older than 5 minutes (or than the shortest snapshot
// interval plus a minute), or the timer's units are there but it is not
// active; the detail says how to fix it. The detail always says when the
// last run was. fail: the state cannot be read.
Finding check_maintenance(Context& ctx, const SystemdHost& host);

}  // namespace velo::core
