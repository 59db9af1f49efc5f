#include "core/locks.h"

#include <fmt/format.h>

#include "core/recover.h"
#include "util/fs.h"
#include "util/timings.h"

namespace velo::core {

Result<ProjectLock> lock_project(Context& ctx, const std::string& project, int timeout_s) {
  VELO_ASSIGN_OR_RETURN(auto lock, acquire_project_lock(ctx, project, timeout_s));
  auto done = finish_interrupted_operations(ctx, project);
  if (!done.ok()) {
    fmt::print(stderr,
               "velo: warning: could not finish what an interrupted command left in {} ({}); "
               "'velo gc' will try again\n",
               project, done.error().message);
    return lock;
  }
  for (const auto& what : *done) {
    fmt::print(stderr, "velo: {}, which a command killed midway left\n", what);
  }
  return lock;
}

namespace {

std::string lock_path(const Context& ctx, const std::string& project) {
  return ctx.home + "/locks/" + project + ".lock";
}

}  // namespace

Result<bool> project_lock_held(Context& ctx, const std::string& project) {
  return state::FileLock::is_held(lock_path(ctx, project));
}

Result<ProjectLock> acquire_project_lock(Context& ctx, const std::string& project, int timeout_s) {
  timings::Scope span("lock");
  std::string dir = ctx.home + "/locks";
  VELO_TRY(make_dirs(dir, 0700));
  VELO_ASSIGN_OR_RETURN(auto file,
                        state::FileLock::acquire(lock_path(ctx, project), timeout_s, ctx.clock));
  state::Store& store = ctx.store;
  file.remove_file_if([&store, project] {
    auto row = store.project(project);
    return row.ok() && !row->has_value();
  });
  return ProjectLock{std::move(file), {}};
}

}  // namespace velo::core
