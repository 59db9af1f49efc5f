#include "core/merge/schemas.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "core/merge/schema_cache.h"
#include "core/merge/scratch.h"
#include "diff/reader.h"
#include "util/timings.h"

namespace velo::core {
namespace {

// The password the base snapshot's data holds: recorded with the snapshot
// since velo keeps it; for older snapshots, the parent's (as it was, unless
// it was rotated since).
Result<std::string> base_password(Context& ctx, const BranchHandle& parent,
                                  const state::BranchRecord& child) {
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots(child.project));
  for (const auto& s : snapshots) {
    if (s.volume == child.parent_volume && s.name == child.base_snapshot && !s.password.empty()) {
      return s.password;
    }
  }
  return password_in_data_dir(parent.branch);
}

// The schema of `volume`@`snapshot`: from the cache, else read from a
// scratch server on a clone of it (and cached).
Result<diff::ClusterSchema> snapshot_schema(Context& ctx, const BranchHandle& owner,
                                            const std::string& volume, const std::string& snapshot,
                                            const std::string& password) {
  if (auto cached = cached_schema(ctx, volume, snapshot)) return std::move(*cached);
  VELO_ASSIGN_OR_RETURN(auto scratch,
                        ScratchServer::of_snapshot(ctx, owner, volume, snapshot, password));
  VELO_ASSIGN_OR_RETURN(auto schema, diff::read_cluster(ctx.pg, scratch->params()));
  // The cache is written while the server stops and its clone goes: one
  // is mostly CPU, the other mostly waiting.
  auto cached = std::async(std::launch::async, [&ctx, &volume, &snapshot, &schema] {
    timings::Scope span("cache");
    cache_schema(ctx, volume, snapshot, schema);
  });
  scratch.reset();
  cached.wait();
  return schema;
}

// A point-in-time branch's state when it was promoted: the "start"
// snapshot on its own volume.
Result<diff::ClusterSchema> read_start_schema(Context& ctx, const BranchHandle& branch) {
  const state::BranchRecord& record = branch.branch;
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots(record.project, record.name));
  for (const auto& s : snapshots) {
    if (s.kind != "start" || s.volume != record.volume) continue;
    ctx.reporter.step(
        fmt::format("reading the schema {}/{} started with", record.project, record.name));
    return snapshot_schema(ctx, branch, s.volume, s.name,
                           s.password.empty() ? record.password : s.password);
  }
  return make_error(ErrorKind::Invalid,
                    "{}/{} is a point-in-time branch whose starting state velo did not keep (made "
                    "before velo kept it, or on the copy driver): use --against",
                    record.project, record.name);
}

}  // namespace

Status require_running(BranchHandle& branch) {
  VELO_ASSIGN_OR_RETURN(bool running, is_running(branch));
  if (!running) {
    return make_error(
        ErrorKind::Unavailable, "{}/{} is stopped: start it with 'velo branch start {}/{}'",
        branch.project.name, branch.branch.name, branch.project.name, branch.branch.name);
  }
  return Status::Ok();
}

Result<diff::ClusterSchema> read_branch_schema(Context& ctx, BranchHandle& branch) {
  VELO_TRY(require_running(branch));
  return diff::read_cluster(ctx.pg, conn_params(branch));
}

Result<diff::ClusterSchema> read_base_schema(Context& ctx, const BranchHandle& branch) {
  const state::BranchRecord& record = branch.branch;
  const std::string full = record.project + "/" + record.name;
  if (!record.parent) {
    return make_error(ErrorKind::Invalid,
                      "{} has no parent, so no starting point to diff against: use --against",
                      full);
  }
  if (record.base_snapshot.empty()) return read_start_schema(ctx, branch);
  VELO_ASSIGN_OR_RETURN(auto parent, load_branch(ctx, record.project, *record.parent));
  // Drivers whose clones do not depend on their snapshot drop it with its
  // volume (a parent reset or deleted since).
  VELO_ASSIGN_OR_RETURN(auto kept, ctx.driver.list_snapshots(record.parent_volume));
  if (std::find(kept.begin(), kept.end(), record.base_snapshot) == kept.end()) {
    return make_error(ErrorKind::Invalid,
                      "the snapshot {} was branched from is gone (its parent was reset or "
                      "deleted since): use --against",
                      full);
  }
  VELO_ASSIGN_OR_RETURN(std::string password, base_password(ctx, parent, record));
  ctx.reporter.step(fmt::format("reading the schema {} started with", full));
  return snapshot_schema(ctx, parent, record.parent_volume, record.base_snapshot, password);
}

void keep_database(diff::ClusterSchema& schema, const std::optional<std::string>& database) {
  if (!database) return;
  for (auto it = schema.databases.begin(); it != schema.databases.end();) {
    it = it->first == *database ? std::next(it) : schema.databases.erase(it);
  }
}

}  // namespace velo::core
