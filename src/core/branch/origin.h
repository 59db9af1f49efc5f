// Where a branch's data came from, for `velo branch show`: the parent's
// snapshot it was cloned from (and so the moment its data is as of: the
// create or the last reset), the target a point-in-time branch recovered
// to, and the PostgreSQL its server runs.
#pragma once

#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "util/result.h"

namespace velo::core {

struct BranchOrigin {
  std::string snapshot;        // "volume@name" of the parent's snapshot; "" for a root
  std::string snapshot_time;   // when it was taken: the data is the parent's as of then
  std::string recovered_to;    // point-in-time branches: "2026-...Z" or "LSN 0/5000000"
  std::string server_version;  // a running server's (SHOW server_version), else ""
};

// Reads the records and, when the server runs, asks it its version;
// fields it cannot tell stay empty.
BranchOrigin describe_origin(Context& ctx, BranchHandle& handle);

}  // namespace velo::core
