#include "core/history/wal_ops.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

#include "core/cluster.h"
#include "core/history/pitr_source.h"
#include "core/history/retention_ops.h"
#include "core/locks.h"
#include "util/fs.h"
#include "util/os_error.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

// Snapshots of the branch's current incarnation: the only ones its
// archive serves.
std::vector<state::SnapshotRecord> current_snapshots(const BranchHandle& handle,
                                                     std::vector<state::SnapshotRecord> all) {
  std::vector<state::SnapshotRecord> out;
  for (auto& s : all) {
    if (s.volume == handle.branch.volume) out.push_back(std::move(s));
  }
  return out;
}

// "every moment of 10m from T (why), snapshots every 1m; the window starts
// at snapshot N (T': <reason>)"; "" for a branch without a window.
std::string describe_retention(Context& ctx, const BranchHandle& branch) {
  auto policy = policy_of(branch.project, branch.branch);
  if (!policy) return "";
  auto plan = project_retention(ctx, branch.project);
  if (!plan.ok()) return plan.error().message;
  auto start = plan->window_starts.find(branch.branch.volume);
  if (start == plan->window_starts.end()) return "";
  std::string text = fmt::format("every {} from {} ({}), snapshots every {}",
                                 format_span(policy->retention), format_utc(start->second.at),
                                 start->second.reason, format_span(policy->snapshot_every));
  const SnapshotDecision* oldest = nullptr;
  for (const auto& d : plan->decisions) {
    if (d.snapshot.volume != branch.branch.volume || !d.kept() || !parse_lsn(d.snapshot.lsn).ok()) {
      continue;
    }
    if (oldest == nullptr || d.snapshot.created_at < oldest->snapshot.created_at) oldest = &d;
  }
  if (oldest != nullptr) {
    text += fmt::format("; the window starts at snapshot {} ({}: {})", oldest->snapshot.id,
                        oldest->snapshot.created_at, describe(oldest->reason));
  }
  return text;
}

}  // namespace

Result<WalStatus> wal_status(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  WalStatus status;
  status.archive_dir = handle.spec.archive_dir;
  if (status.archive_dir.empty()) {
    status.no_window_reason = name.full() + " does not archive its WAL";
    return status;
  }
  auto contents = list_archive(status.archive_dir);
  if (contents.ok()) {
    status.contents = std::move(*contents);
  } else if (contents.error().kind != ErrorKind::NotFound) {
    return contents.error();
  }
  status.retention = describe_retention(ctx, handle);
  auto inputs = window_inputs(ctx, handle);
  if (!inputs.ok()) {
    status.no_window_reason = inputs.error().message;
    return status;
  }
  auto window = recoverable_window(*inputs);
  if (window.ok()) {
    status.window = *window;
  } else {
    status.no_window_reason = window.error().message;
  }
  return status;
}

Result<uint64_t> wal_needed_from(const std::vector<state::SnapshotRecord>& snapshots) {
  std::optional<uint64_t> oldest;
  for (const auto& s : snapshots) {
    if (!parse_lsn(s.lsn).ok()) continue;  // not a recovery base
    auto redo = parse_lsn(s.redo_lsn);
    if (!redo.ok()) {
      return make_error(ErrorKind::Conflict,
                        "snapshot {} has no recorded redo point, so the WAL it needs is unknown; "
                        "nothing was removed (delete that snapshot to prune past it)",
                        s.id);
    }
    uint64_t segno = segment_of(*redo);
    if (!oldest || segno < *oldest) oldest = segno;
  }
  if (!oldest) {
    return make_error(ErrorKind::Invalid,
                      "no snapshot of this branch needs its archive, so nothing marks what is "
                      "old; nothing was removed (take one with 'velo snapshot create')");
  }
  return *oldest;
}

std::vector<ArchivedFile> select_wal_to_prune(const ArchiveContents& contents, uint64_t keep_from) {
  std::vector<ArchivedFile> out;
  for (const auto& file : contents.files) {
    if (file.parsed.segno && *file.parsed.segno < keep_from) out.push_back(file);
  }
  return out;
}

Result<WalPruneResult> prune_wal(Context& ctx, const BranchName& name) {
  // Under the project lock: no snapshot appears or goes meanwhile.
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, name.project, name.branch));
  if (handle.spec.archive_dir.empty()) {
    return make_error(ErrorKind::Invalid, "{} does not archive its WAL", name.full());
  }
  VELO_ASSIGN_OR_RETURN(auto all, ctx.store.snapshots(name.project, name.branch));
  auto snapshots = current_snapshots(handle, std::move(all));
  VELO_ASSIGN_OR_RETURN(uint64_t keep_from, wal_needed_from(snapshots));
  return remove_wal_before(handle.spec.archive_dir, keep_from);
}

Result<WalPruneResult> remove_wal_before(const std::string& archive_dir, uint64_t keep_from) {
  WalPruneResult result;
  result.keep_from = keep_from;
  VELO_ASSIGN_OR_RETURN(auto contents, list_archive(archive_dir));
  for (const auto& file : select_wal_to_prune(contents, result.keep_from)) {
    std::string path = archive_dir + "/" + file.name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + path);
    result.bytes_removed += file.bytes;
    result.removed.push_back(file);
  }
  if (!result.removed.empty()) VELO_TRY(fsync_path(archive_dir));
  return result;
}

}  // namespace velo::core
