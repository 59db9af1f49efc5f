// An incarnation's WAL archive volume, made or removed on a thread of its
// own while other work runs: made during the step before the new clone
// (the parent's snapshot, or the seal of its archive), removed while the
// old incarnation's volumes go. A zfs dataset costs 30 to 80 ms to make
// or destroy on zfs-fuse, as much as the work it then hides behind. The
// thread ends within the step, so no `zfs` process outlives it: a kill
// between steps leaves nothing running that gc could miss.
#pragma once

#include <functional>
#include <string>

#include "core/context.h"
#include "core/operation.h"
#include "state/records.h"
#include "util/result.h"

namespace velo::core {

// Whether an incarnation of `branch` keeps a WAL archive: it asks for
// one, and velo has a data root (make_handle names it in the spec).
bool keeps_archive(const Context& ctx, const state::BranchRecord& branch);

// Registers the archive's undo with `op` (`what` names it), then runs
// `work` while the archive volume of `branch` is made, if it keeps one.
// Returns the first failure of the two, work's first.
Status alongside_archive_volume(Context& ctx, Operation& op, const std::string& what,
                                const state::BranchRecord& branch,
                                const std::function<Status()>& work);

// Runs `work` while the archive of the incarnation `volume` is removed
// (remove_archive). Both always run; returns the first failure, work's
// first.
Status alongside_archive_removal(Context& ctx, const std::string& volume,
                                 const std::function<Status()>& work);

}  // namespace velo::core
