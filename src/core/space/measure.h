// What volumes take on disk: the storage driver's figures for a volume and
// its snapshots, and the size of its WAL archive, measured now or read
// from the space cache when measured recently enough.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/space/space_cache.h"

namespace velo::core {

// How old a cached measure may be before it is measured again. Zero:
// measure now (branch show, status --fresh).
using SpaceMaxAge = std::chrono::seconds;
// What `velo status` and `project show` accept; `velo maintain` measures
// anything older than kMaintainSpaceAge, so they rarely wait.
inline constexpr SpaceMaxAge kListSpaceAge{600};
inline constexpr SpaceMaxAge kMaintainSpaceAge{240};

// The measures of `volumes`. A volume that is gone is measured as its
// archive alone; one the driver cannot measure is left out. The cache is
// written back when anything was measured.
std::map<std::string, VolumeMeasure> measure_volumes(Context& ctx,
                                                     const std::vector<std::string>& volumes,
                                                     SpaceMaxAge max_age);

}  // namespace velo::core
