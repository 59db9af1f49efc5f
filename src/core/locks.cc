#include "core/locks.h"

#include "util/fs.h"

namespace velo::core {

Result<state::FileLock> lock_project(Context& ctx, const std::string& project) {
  std::string dir = ctx.home + "/locks";
  VELO_TRY(make_dirs(dir, 0700));
  VELO_ASSIGN_OR_RETURN(auto lock,
                        state::FileLock::acquire(dir + "/" + project + ".lock", 600, ctx.clock));
  state::Store& store = ctx.store;
  lock.remove_file_if([&store, project] {
    auto row = store.project(project);
    return row.ok() && !row->has_value();
  });
  return lock;
}

}  // namespace velo::core
