#include "core/project/orphans.h"

#include <set>

#include "core/branch/branch_ops.h"
#include "core/cluster.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "core/recover.h"

namespace velo::core {
namespace {

std::string project_of(const std::string& volume) { return volume.substr(0, volume.find('.')); }

// What a volume, snapshot or retired orphan names: "volume" or
// "volume@snapshot".
struct Stored {
  std::string volume;
  std::string snapshot;  // "" for a volume
};

Stored stored_of(const Orphan& orphan) {
  auto at = orphan.what.find('@');
  return {orphan.what.substr(0, at), at == std::string::npos ? "" : orphan.what.substr(at + 1)};
}

Status destroy(Context& ctx, const Stored& stored) {
  return stored.snapshot.empty() ? ctx.driver.destroy_volume(stored.volume)
                                 : ctx.driver.destroy_snapshot(stored.volume, stored.snapshot);
}

// Containers (docker) whose branch no longer exists. Only runtimes that a
// project uses are asked, so a machine without Docker is never probed.
Status find_orphan_clusters(Context& ctx, const std::vector<state::BranchRecord>& branches,
                            std::vector<Orphan>& out) {
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  std::set<std::string> kinds{"native"};
  for (const auto& project : projects) kinds.insert(project.runtime);
  std::set<std::string> known;
  for (const auto& b : branches) known.insert(b.project + "/" + b.name);
  for (const auto& kind : kinds) {
    auto runtime = ctx.runtimes.get(kind);
    if (!runtime.ok()) continue;
    auto clusters = (*runtime)->list_clusters();
    if (!clusters.ok()) continue;
    for (const auto& cluster : *clusters) {
      std::string name = cluster.project + "/" + cluster.branch;
      if (known.count(name) == 0) {
        out.push_back({"container", name, kind + " cluster of a branch that no longer exists"});
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Orphan>> find_orphans(Context& ctx) {
  std::vector<Orphan> out;
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches());
  VELO_ASSIGN_OR_RETURN(auto retired, ctx.store.retired());
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots());
  std::set<std::string> known_volumes;
  std::set<std::string> known_snapshots;
  for (const auto& b : branches) {
    known_volumes.insert(b.volume);
    known_volumes.insert(archive_volume_of(b.volume));  // if it archives
    // An earlier incarnation kept for the snapshots it holds.
    if (!b.parent_volume.empty()) known_volumes.insert(b.parent_volume);
  }
  for (const auto& r : retired) {
    if (r.snapshot.empty())
      known_volumes.insert(r.volume);
    else
      known_snapshots.insert(r.volume + "@" + r.snapshot);
    out.push_back({"retired", r.snapshot.empty() ? r.volume : r.volume + "@" + r.snapshot,
                   "waiting for the clones that depend on it"});
  }
  for (const auto& s : snapshots) {
    known_snapshots.insert(s.volume + "@" + s.name);
    known_volumes.insert(s.volume);
  }

  for (const auto& b : branches) {
    if (b.status == "creating") {
      out.push_back({"stale-row", b.project + "/" + b.name, "a create that did not finish"});
    }
    if (b.status == "resetting" || b.status == "rotating" || b.status == "deleting") {
      out.push_back({"interrupted", b.project + "/" + b.name,
                     b.status == "resetting"  ? "a reset that did not finish"
                     : b.status == "deleting" ? "a delete that did not finish"
                                              : "a password change that did not finish"});
    }
  }
  VELO_TRY(find_orphan_clusters(ctx, branches, out));
  VELO_ASSIGN_OR_RETURN(auto volumes, ctx.driver.list_volumes());
  for (const auto& volume : volumes) {
    if (known_volumes.count(volume) == 0) {
      out.push_back({"volume", volume,
                     is_archive_volume(volume)
                         ? "the WAL archive of a branch incarnation that is gone"
                         : "no branch uses it"});
      continue;
    }
    auto volume_snapshots = ctx.driver.list_snapshots(volume);
    if (!volume_snapshots.ok()) continue;
    for (const auto& name : *volume_snapshots) {
      if (name.rfind("velo-", 0) == 0 && known_snapshots.count(volume + "@" + name) == 0) {
        out.push_back({"snapshot", volume + "@" + name, "no branch or snapshot record uses it"});
      }
    }
  }
  return out;
}

Status remove_orphan(Context& ctx, const Orphan& orphan) {
  if (orphan.kind == "stale-row" || orphan.kind == "interrupted") {
    auto slash = orphan.what.find('/');
    std::string project = orphan.what.substr(0, slash);
    VELO_ASSIGN_OR_RETURN(auto lock, acquire_project_lock(ctx, project));
    VELO_ASSIGN_OR_RETURN(auto row, ctx.store.branch(project, orphan.what.substr(slash + 1)));
    if (!row || !is_interrupted(*row)) return Status::Ok();  // finished meanwhile
    VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, project, row->name));
    auto done = finish_interrupted_operation(ctx, handle);
    return done.ok() ? Status::Ok() : Status(done.error());
  }
  if (orphan.kind == "container") {
    auto slash = orphan.what.find('/');
    runtime::ClusterSpec spec;
    spec.project = orphan.what.substr(0, slash);
    spec.branch = orphan.what.substr(slash + 1);
    VELO_ASSIGN_OR_RETURN(auto lock, acquire_project_lock(ctx, spec.project));
    VELO_ASSIGN_OR_RETURN(auto branch, ctx.store.branch(spec.project, spec.branch));
    if (branch) return Status::Ok();  // created meanwhile
    VELO_ASSIGN_OR_RETURN(runtime::Runtime * runtime, ctx.runtimes.get("docker"));
    return runtime->remove(spec);
  }
  const Stored stored = stored_of(orphan);
  VELO_ASSIGN_OR_RETURN(auto lock, acquire_project_lock(ctx, project_of(stored.volume)));
  if (orphan.kind == "retired") return destroy_or_retire(ctx, stored.volume, stored.snapshot);
  // Check again under the lock: a create may have adopted it meanwhile.
  VELO_ASSIGN_OR_RETURN(auto fresh, find_orphans(ctx));
  for (const auto& candidate : fresh) {
    if (candidate.kind == orphan.kind && candidate.what == orphan.what) {
      return destroy(ctx, stored);
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> remove_project_leftovers(Context& ctx,
                                                          const std::string& project) {
  std::vector<std::string> removed;
  VELO_ASSIGN_OR_RETURN(auto orphans, find_orphans(ctx));
  for (const auto& orphan : orphans) {
    if (orphan.kind != "volume" && orphan.kind != "snapshot") continue;
    const Stored stored = stored_of(orphan);
    if (project_of(stored.volume) != project) continue;
    VELO_TRY(destroy(ctx, stored));
    removed.push_back(orphan.kind + " " + orphan.what);
  }
  return removed;
}

}  // namespace velo::core
