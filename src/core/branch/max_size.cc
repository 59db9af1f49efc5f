#include "core/branch/max_size.h"

#include <limits>

#include "core/cluster.h"
#include "core/locks.h"
#include "core/names.h"
#include "storage/image_pool.h"

namespace velo::core {

Result<std::optional<uint64_t>> parse_max_size(const std::string& text) {
  if (text == "none") return std::optional<uint64_t>();
  auto bytes = storage::parse_size(text);
  if (!bytes.ok()) {
    return make_error(ErrorKind::Invalid, "--max-size: {} (or none for no cap)",
                      bytes.error().message);
  }
  if (*bytes < kMinMaxSize) {
    return make_error(ErrorKind::Invalid,
                      "--max-size {} is below {} MiB: a branch needs room for PostgreSQL's "
                      "16 MiB WAL segments",
                      printable(text), kMinMaxSize >> 20);
  }
  if (*bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return make_error(ErrorKind::Invalid, "--max-size {} is too large", printable(text));
  }
  return std::optional<uint64_t>(*bytes);
}

Status check_max_size(Context& ctx, const std::optional<uint64_t>& bytes) {
  if (!bytes) return Status::Ok();
  Status supported = ctx.driver.size_limits_supported();
  if (supported.ok()) return supported;
  if (supported.error().kind != ErrorKind::Unavailable) return supported;
  return make_error(ErrorKind::Invalid, "--max-size cannot be enforced here: {}",
                    supported.error().message);
}

std::optional<uint64_t> effective_max_size(const std::optional<std::optional<uint64_t>>& given,
                                           const std::optional<uint64_t>& project_default) {
  return given ? *given : project_default;
}

Status set_project_max_size(Context& ctx, const std::string& project,
                            const std::optional<uint64_t>& bytes) {
  VELO_TRY(validate_name("project", project));
  VELO_TRY(check_max_size(ctx, bytes));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, project));
  VELO_ASSIGN_OR_RETURN(auto record, load_project(ctx, project));
  (void)record;  // NotFound for a project that does not exist
  return ctx.store.set_project_max_size(project, bytes);
}

}  // namespace velo::core
