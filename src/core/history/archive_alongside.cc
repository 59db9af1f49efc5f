#include "core/history/archive_alongside.h"

#include <future>

#include "core/history/wal_archive.h"

namespace velo::core {

bool keeps_archive(const Context& ctx, const state::BranchRecord& branch) {
  return branch.archive && !ctx.config.data_root.empty();
}

Status alongside_archive_volume(Context& ctx, Operation& op, const std::string& what,
                                const state::BranchRecord& branch,
                                const std::function<Status()>& work) {
  const std::string volume = branch.volume;
  op.undo(what, [&ctx, volume] { return remove_archive(ctx.config, ctx.driver, volume); });
  if (!keeps_archive(ctx, branch)) return work();
  // The driver's calls are processes of their own (zfs) or ioctls
  // (btrfs); nothing else of velo's runs on this thread.
  std::future<Status> made = std::async(
      std::launch::async, [&ctx, volume] { return create_archive_volume(ctx.driver, volume); });
  Status worked = work();
  Status archived = made.get();
  VELO_TRY(worked);
  return archived;
}

Status alongside_archive_removal(Context& ctx, const std::string& volume,
                                 const std::function<Status()>& work) {
  std::future<Status> removed = std::async(std::launch::async, [&ctx, volume] {
    return remove_archive(ctx.config, ctx.driver, volume);
  });
  Status worked = work();
  Status archive = removed.get();
  VELO_TRY(worked);
  return archive;
}

}  // namespace velo::core
