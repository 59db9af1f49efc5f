#include "core/space/pool.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/human_bytes.h"

namespace velo::core {

int used_percent(const storage::PoolSpace& pool) {
  if (pool.size_bytes == 0) return 0;
  const unsigned __int128 used = pool.size_bytes - std::min(pool.free_bytes, pool.size_bytes);
  return static_cast<int>((used * 100 + pool.size_bytes - 1) / pool.size_bytes);
}

namespace {

uint64_t reserve_bytes(const Context& ctx, const storage::PoolSpace& pool) {
  return pool.size_bytes / 100 * static_cast<uint64_t>(std::max(ctx.config.reserve_percent, 0));
}

}  // namespace

Finding check_pool(Context& ctx) {
  auto pool = ctx.driver.pool_space();
  if (!pool.ok()) return {"pool", "warn", "cannot read its space: " + pool.error().message};
  const int percent = used_percent(*pool);
  std::string detail = fmt::format("{}% used, {} free of {}", percent,
                                   human_bytes(pool->free_bytes), human_bytes(pool->size_bytes));
  if (pool->free_bytes < reserve_bytes(ctx, *pool)) {
    return {"pool", "warn",
            fmt::format("{}: below the reserve of {}%, so branch create, reset and snapshot "
                        "create are refused; free space (velo status shows what takes it)",
                        detail, ctx.config.reserve_percent)};
  }
  if (percent > kPoolWarnPercent) {
    return {"pool", "warn",
            fmt::format("{}: more than {}% full; a branch that cannot write its WAL stops "
                        "(velo status shows what takes the space)",
                        detail, kPoolWarnPercent)};
  }
  return {"pool", "ok", detail};
}

Status check_reserve(Context& ctx, const std::string& what) {
  auto pool = ctx.driver.pool_space();
  if (!pool.ok()) return Status::Ok();
  const uint64_t reserve = reserve_bytes(ctx, *pool);
  if (pool->free_bytes < reserve) {
    return make_error(ErrorKind::Conflict,
                      "cannot {}: the pool has {} free, less than the reserve of {}% ({}) that "
                      "running branches need for their WAL; free space (velo status shows what "
                      "takes it) or make the pool larger",
                      what, human_bytes(pool->free_bytes), ctx.config.reserve_percent,
                      human_bytes(reserve));
  }
  if (pool->free_bytes >= kCheckpointRoom) return Status::Ok();
  return make_error(ErrorKind::Conflict,
                    "cannot {}: the pool has {} free, less than the {} a CHECKPOINT may need "
                    "(a WAL segment), and a server that cannot write its WAL stops; free "
                    "space (velo status shows what takes it) or make the pool larger",
                    what, human_bytes(pool->free_bytes), human_bytes(kCheckpointRoom));
}

Error explain_if_pool_full(Context& ctx, const std::string& what, Error failed) {
  if (failed.kind == ErrorKind::Interrupted) return failed;
  // ENOSPC as the kernel words it, and as zfs does ("cannot create
  // 'tank/velo/x.wal': out of space"), which can come while the free space
  // velo reads is still above the reserve.
  const bool enospc = failed.message.find("No space left on device") != std::string::npos ||
                      failed.message.find("out of space") != std::string::npos;
  // The pool is why when the command could not start now: one threshold,
  // check_reserve's.
  if (!enospc && check_reserve(ctx, what).ok()) return failed;
  auto pool = ctx.driver.pool_space();
  if (!pool.ok()) return failed;
  return make_error(ErrorKind::Io,
                    "cannot {}: the pool ran out of space while it ran ({} free of {}); free "
                    "space (velo status shows what takes it) and run it again; a server that "
                    "stopped for want of space starts again with velo maintain or velo start --all",
                    what, human_bytes(pool->free_bytes), human_bytes(pool->size_bytes));
}

}  // namespace velo::core
