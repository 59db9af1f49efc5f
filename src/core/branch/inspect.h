// What list, show and status print: each branch's real state, asked of
// the runtime and the storage driver rather than read from the index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "core/space/measure.h"

namespace velo::core {

struct BranchInfo {
  std::string project;
  std::string branch;
  std::optional<std::string> parent;
  // running | recovering (up, replaying WAL) | stopped (by the user) |
  // crashed (should run, no server) | missing (data gone) | creating
  std::string status;
  int port = 0;
  std::string url;       // without the password, naming `database`
  std::string database;  // the project's default (velo project set --database)
  std::string created_at;
  std::string storage;
  std::optional<VolumeMeasure> space;  // when asked for and measurable
  std::string runtime;
  std::string listen_address;
  std::string data_dir;
  std::string volume;  // the storage driver's name for it (disk use)
  // The server's log: a file on this host (native), or "docker logs
  // CONTAINER" where the engine keeps it (branch_log_location).
  std::string log;
};

// A ready branch's server as the user needs to know it: running,
// recovering, stopped, crashed, missing, or unknown (the runtime cannot
// tell: no Docker engine).
std::string server_status(BranchHandle& handle);

// Which sizes to report: none (nullopt), or measures no older than the
// given age (zero: measured now).
using SpaceWanted = std::optional<SpaceMaxAge>;
inline constexpr SpaceWanted kNoSpace = std::nullopt;
inline constexpr SpaceWanted kFreshSpace = SpaceMaxAge{0};

BranchInfo describe_branch(Context& ctx, BranchHandle& handle, SpaceWanted space);
Result<std::vector<BranchInfo>> describe_branches(Context& ctx,
                                                  const std::optional<std::string>& project,
                                                  SpaceWanted space);

}  // namespace velo::core
