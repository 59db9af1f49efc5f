// A branch's server log: `velo logs` (its tail, following it), where
// `branch show` says it is, and the copy `branch delete --keep-logs`
// keeps in HOME/logs/deleted/ until `velo gc` finds it older than a week.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "util/clock.h"
#include "util/result.h"

namespace velo::core {

// The log file on this host, "" when there is none there: a docker
// branch's server writes to its container's output, which the engine keeps.
std::string branch_log_location(const BranchHandle& handle);

// The last `lines` lines of the branch's log, each ending in a newline:
// from the file, else (docker) from the engine. Invalid for lines < 0.
Result<std::string> read_log_tail(const BranchHandle& handle, int lines);

// The last `lines` lines of a file (all of it when shorter), whatever its
// size; NotFound when it does not exist.
Result<std::string> tail_lines(const std::string& path, int lines);

// Follows `path` from byte `offset`: hands what is appended to `out`,
// polling through `clock`, until `stop()` says so. A file replaced (another
// inode at the path) or truncated is read again from its start; a missing
// file is waited for. For `velo logs -f`, whose stop is SIGINT.
Status follow_file(const std::string& path, uint64_t offset, Clock& clock,
                   const std::function<void(std::string_view)>& out,
                   const std::function<bool()>& stop);

// HOME/logs/deleted/<project>.<branch>.<YYYYMMDDTHHMMSSZ>.log
std::string kept_log_path(Context& ctx, const std::string& project, const std::string& branch);
// Moves the branch's log there (docker: writes the engine's copy there);
// returns the path, "" when there was no log. Before the server is removed.
Result<std::string> keep_log(Context& ctx, BranchHandle& handle);

// How long `velo gc` leaves a kept log.
inline constexpr std::chrono::hours kKeptLogAge{24 * 7};
// Removes kept logs whose name's time is older than kKeptLogAge; returns
// their paths. Files of other names are left alone.
Result<std::vector<std::string>> prune_kept_logs(Context& ctx);

}  // namespace velo::core
