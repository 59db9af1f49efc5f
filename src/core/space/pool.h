// The pool as a whole: how full it is, and the reserve that commands
// which take space (create, reset, snapshot create) leave free, so that
// the branches already running can still write their WAL: a server that
// cannot write WAL stops with a PANIC.
#pragma once

#include <cstdint>
#include <string>

#include "core/context.h"
#include "core/project/doctor.h"
#include "storage/driver.h"

namespace velo::core {

// Share of the pool in use, rounded up as df does (0 for an empty pool).
int used_percent(const storage::PoolSpace& pool);

// `velo doctor` warns above this.
inline constexpr int kPoolWarnPercent = 85;

// velo doctor's "pool" finding: warn above kPoolWarnPercent or below the
// reserve, ok otherwise, with the figures.
Finding check_pool(Context& ctx);

// What a CHECKPOINT may write on a full pool (a new WAL segment, then
// pg_control): with less free, one PANICs the server, whatever the reserve.
constexpr uint64_t kCheckpointRoom = 17ULL << 20;

// Conflict, naming `what` ("create branch p/b"), when the pool's free
// space is below the configured reserve, or below kCheckpointRoom (with a
// reserve of 0 too). A pool whose space cannot be read is not refused:
// the filesystem's own errors still stop a write.
Status check_reserve(Context& ctx, const std::string& what);

// `failed`, or, when the pool filled while `what` ran (its free space is
// now below what check_reserve asks, or the failure is ENOSPC), an error
// that says so: the user sees the pool and its free space, not a
// server's crash output.
Error explain_if_pool_full(Context& ctx, const std::string& what, Error failed);

template <typename T>
Result<T> explain_if_pool_full(Context& ctx, const std::string& what, Result<T> result) {
  if (result.ok()) return result;
  return explain_if_pool_full(ctx, what, result.error());
}

}  // namespace velo::core
