#include "core/locks.h"

#include "util/fs.h"

namespace velo::core {

Result<state::FileLock> lock_project(Context& ctx, const std::string& project) {
  std::string dir = ctx.home + "/locks";
  VELO_TRY(make_dirs(dir, 0700));
  return state::FileLock::acquire(dir + "/" + project + ".lock", 600, ctx.clock);
}

}  // namespace velo::core
