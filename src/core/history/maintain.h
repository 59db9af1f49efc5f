// velo maintain: the timed work of a home, due or not, safe to repeat.
// For each project, under its lock (a busy project is skipped with a
// note): a scheduled snapshot of main when its last one is older than the
// project's snapshot-every (and main runs), then the snapshots of main
// that its retention plan no longer keeps, then main's archived WAL that
// no kept snapshot needs. Time is the Context's clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/project/doctor.h"
#include "state/records.h"

namespace velo::core {

struct ProjectMaintenance {
  std::string project;
  std::optional<state::SnapshotRecord> taken;  // the scheduled snapshot
  std::vector<state::SnapshotRecord> pruned;
  size_t wal_files_removed = 0;
  uint64_t wal_bytes_removed = 0;
  std::vector<std::string> notes;  // skipped work and why
};

// The meta key holding the time of the last `velo maintain` (velo doctor).
inline constexpr const char* kMaintainedAtKey = "maintained_at";

// velo doctor's "maintain" check: when it last ran; warn when never or
// longer ago than the shortest snapshot interval of any project (plus a
// minute), since scheduled snapshots and pruning then fall behind.
Finding check_maintained(Context& ctx);

Result<ProjectMaintenance> maintain_project(Context& ctx, const std::string& project);
// Every project; one project's failure is a note, not the end.
Result<std::vector<ProjectMaintenance>> maintain_home(Context& ctx);

}  // namespace velo::core
