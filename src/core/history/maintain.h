// velo maintain: the timed work of a home, due or not, safe to repeat.
// For each project, under its lock (a busy project is skipped with a
// note): first the branches that crashed are started again (a supervisor's
// work: stop a branch with velo branch stop to keep it down); then, for
// each branch with a retention window (main, and branches
// created with --retention): a scheduled snapshot when its last one is
// older than its snapshot-every (and it runs); then the snapshots that the
// project's retention plan no longer keeps, then each windowed branch's
// archived WAL that no kept snapshot needs. Time is the Context's clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/context.h"
#include "state/records.h"

namespace velo::core {

struct ProjectMaintenance {
  std::string project;
  std::vector<std::string> restarted;        // P/B of each crashed branch started again
  std::vector<state::SnapshotRecord> taken;  // scheduled snapshots, main's first
  std::vector<state::SnapshotRecord> pruned;
  size_t wal_files_removed = 0;
  uint64_t wal_bytes_removed = 0;
  std::vector<std::string> notes;  // skipped work and why
};

// How the last run of maintain_home ended, for velo doctor: in the state
// database's meta table, its time under "maintained_at" and "ok" or
// "failed: <reason>" under "maintain_result" (one transaction). A run
// fails when a project's maintenance does (a busy project is skipped, not
// failed).
struct LastMaintain {
  std::string at;  // RFC 3339, UTC
  bool ok = true;
  std::string reason;  // why it failed
};
Result<std::optional<LastMaintain>> last_maintain(state::Store& store);

Result<ProjectMaintenance> maintain_project(Context& ctx, const std::string& project);
// Every project; one project's failure is a note, not the end.
Result<std::vector<ProjectMaintenance>> maintain_home(Context& ctx);

}  // namespace velo::core
