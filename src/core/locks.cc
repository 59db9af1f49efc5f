#include "core/locks.h"

#include "util/fs.h"
#include "util/timings.h"

namespace velo::core {

Result<ProjectLock> lock_project(Context& ctx, const std::string& project, int timeout_s) {
  timings::Scope span("lock");
  std::string dir = ctx.home + "/locks";
  VELO_TRY(make_dirs(dir, 0700));
  VELO_ASSIGN_OR_RETURN(
      auto file, state::FileLock::acquire(dir + "/" + project + ".lock", timeout_s, ctx.clock));
  state::Store& store = ctx.store;
  file.remove_file_if([&store, project] {
    auto row = store.project(project);
    return row.ok() && !row->has_value();
  });
  return ProjectLock{std::move(file), {}};
}

}  // namespace velo::core
