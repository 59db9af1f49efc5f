#include "core/space/project_space.h"

#include <set>

#include "storage/dir_layout.h"

namespace velo::core {
namespace {

// Volume names are "<project>.<branch>.<n>"; project names have no dot.
std::string project_of(const std::string& volume) { return volume.substr(0, volume.find('.')); }

}  // namespace

Result<std::vector<std::string>> project_volumes(Context& ctx, const std::string& project) {
  std::set<std::string> volumes;
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  for (const auto& b : branches) volumes.insert(b.volume);
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots(project));
  for (const auto& s : snapshots) volumes.insert(s.volume);
  VELO_ASSIGN_OR_RETURN(auto retired, ctx.store.retired());
  for (const auto& r : retired) {
    if (project_of(r.volume) == project) volumes.insert(r.volume);
  }
  if (!ctx.config.data_root.empty()) {
    VELO_ASSIGN_OR_RETURN(auto archives, storage::list_dir(ctx.config.data_root + "/archive"));
    for (const auto& a : archives) {
      if (project_of(a) == project) volumes.insert(a);
    }
  }
  volumes.erase("");
  return std::vector<std::string>(volumes.begin(), volumes.end());
}

Result<ProjectSpace> project_space(Context& ctx, const std::string& project, SpaceMaxAge max_age) {
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(project));
  std::set<std::string> live;
  for (const auto& b : branches) live.insert(b.volume);
  VELO_ASSIGN_OR_RETURN(auto volumes, project_volumes(ctx, project));
  ProjectSpace total;
  for (const auto& [volume, m] : measure_volumes(ctx, volumes, max_age)) {
    total.archive_bytes += m.archive_bytes;
    total.snapshot_bytes += m.space.snapshot_bytes;
    if (live.contains(volume)) {
      total.logical_bytes += m.space.logical_bytes;
      total.unique_bytes += m.space.unique_bytes;
    } else {
      total.snapshot_bytes += m.space.unique_bytes;  // kept for its snapshots
    }
  }
  return total;
}

Status refresh_space(Context& ctx, SpaceMaxAge max_age) {
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  std::vector<std::string> all;
  for (const auto& p : projects) {
    VELO_ASSIGN_OR_RETURN(auto volumes, project_volumes(ctx, p.name));
    all.insert(all.end(), volumes.begin(), volumes.end());
  }
  (void)measure_volumes(ctx, all, max_age);
  SpaceCache cache = load_space_cache(ctx);
  const std::set<std::string> keep(all.begin(), all.end());
  if (std::erase_if(cache, [&](const auto& entry) { return !keep.contains(entry.first); }) > 0) {
    save_space_cache(ctx, cache);
  }
  return Status::Ok();
}

Result<std::map<std::string, ProjectSpace>> project_spaces(Context& ctx, SpaceMaxAge max_age) {
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  std::map<std::string, ProjectSpace> out;
  for (const auto& p : projects) {
    VELO_ASSIGN_OR_RETURN(out[p.name], project_space(ctx, p.name, max_age));
  }
  return out;
}

}  // namespace velo::core
