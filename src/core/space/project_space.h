// A project's disk, added up: its branches' data, the snapshots its
// volumes keep (and the volumes of earlier incarnations kept for them),
// and its WAL archives.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/space/measure.h"

namespace velo::core {

struct ProjectSpace {
  uint64_t logical_bytes = 0;   // the branches' data directories, as if unshared
  uint64_t unique_bytes = 0;    // what the branches' own writes take
  uint64_t snapshot_bytes = 0;  // snapshots, and volumes kept only for them
  uint64_t archive_bytes = 0;   // WAL archives of every incarnation
  uint64_t total_bytes() const { return unique_bytes + snapshot_bytes + archive_bytes; }
};

// One project's space, or every project's (by name), from measures no
// older than max_age.
Result<ProjectSpace> project_space(Context& ctx, const std::string& project, SpaceMaxAge max_age);
Result<std::map<std::string, ProjectSpace>> project_spaces(Context& ctx, SpaceMaxAge max_age);

// Measures every project's volumes measured longer ago than max_age, and
// drops the cached sizes of volumes that no longer hold anything.
Status refresh_space(Context& ctx, SpaceMaxAge max_age);

// The volumes holding anything of `project`: its branches', its
// snapshots', the retired ones and those with a WAL archive left.
Result<std::vector<std::string>> project_volumes(Context& ctx, const std::string& project);

}  // namespace velo::core
