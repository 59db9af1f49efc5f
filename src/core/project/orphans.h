// Things that exist on disk or in the state index without their
// counterpart: what a crash between two steps leaves behind. velo names
// everything it makes (<project>.<branch>.<n> volumes, velo-<n>
// snapshots), so it recognises its own leftovers.
#pragma once

#include <string>
#include <vector>

#include "core/context.h"

namespace velo::core {

struct Orphan {
  std::string kind;  // volume | snapshot | stale-row | retired
  std::string what;  // volume, volume@snapshot, or project/branch
  std::string detail;
};

Result<std::vector<Orphan>> find_orphans(Context& ctx);
// Removes one orphan (the caller holds no lock; gc takes them).
Status remove_orphan(Context& ctx, const Orphan& orphan);

}  // namespace velo::core
