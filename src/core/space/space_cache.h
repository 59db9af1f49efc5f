// Measured sizes of volumes, kept under <home>/cache/space.json: walking
// a volume's extents costs tens of milliseconds on btrfs and reflink, so
// `velo status` reads sizes measured within a while (by an earlier
// command or by `velo maintain`) and measures only the others.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "core/context.h"
#include "storage/driver.h"

namespace velo::core {

struct VolumeMeasure {
  storage::VolumeSpace space;
  uint64_t archive_bytes = 0;  // the incarnation's WAL archive
  Clock::TimePoint measured_at;
};

using SpaceCache = std::map<std::string, VolumeMeasure>;  // by volume

// An absent or damaged cache is an empty one.
SpaceCache load_space_cache(const Context& ctx);

// Best effort: a cache that cannot be written costs the next read time.
void save_space_cache(const Context& ctx, const SpaceCache& cache);

}  // namespace velo::core
