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
// Removes the volumes and snapshots of `project` that no state row knows:
// what a killed operation made before recording it, or was to remove
// after. Returns them ("volume V", "snapshot V@S"). The caller holds the
// project's lock, so no operation of the project is under way.
Result<std::vector<std::string>> remove_project_leftovers(Context& ctx, const std::string& project);

}  // namespace velo::core
