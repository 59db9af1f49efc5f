#include "core/history/wal_ops.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

#include "core/cluster.h"
#include "core/history/pitr_source.h"
#include "core/locks.h"
#include "util/fs.h"
#include "util/os_error.h"

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
  WalPruneResult result;
  VELO_ASSIGN_OR_RETURN(result.keep_from, wal_needed_from(snapshots));
  VELO_ASSIGN_OR_RETURN(auto contents, list_archive(handle.spec.archive_dir));
  for (const auto& file : select_wal_to_prune(contents, result.keep_from)) {
    std::string path = handle.spec.archive_dir + "/" + file.name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + path);
    result.bytes_removed += file.bytes;
    result.removed.push_back(file);
  }
  if (!result.removed.empty()) VELO_TRY(fsync_path(handle.spec.archive_dir));
  return result;
}

}  // namespace velo::core
