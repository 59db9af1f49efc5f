// A main that follows its source as a streaming standby (velo project
// create --from URL --follow): how far behind it is, and ending it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/context.h"

namespace velo::core {

struct FollowStatus {
  std::string source;    // redacted URL
  std::string slot;      // "" for none
  bool running = false;  // the figures below need a running main
  std::string receiver;  // pg_stat_wal_receiver.status, "" when none runs
  std::string replay_lsn;
  // WAL the source reported having that main has not replayed yet.
  std::optional<int64_t> lag_bytes;
  // Since the last replayed transaction's commit on the source; 0 when
  // everything received is replayed.
  std::optional<double> lag_seconds;
};

// nullopt when PROJECT/main does not follow a source.
Result<std::optional<FollowStatus>> follow_status(Context& ctx, const std::string& project);

struct UnfollowResult {
  std::string warning;  // a slot left on the source, for the user to drop
};

// Promotes main (pg_promote, waiting until it leaves recovery), removes
// the standby settings from its velo.conf and the saved credentials, gives
// it the project's password, and drops the --slot on the source when it
// can reach it.
Result<UnfollowResult> unfollow_project(Context& ctx, const std::string& project);

// For project delete: when PROJECT/main follows its source through a
// --slot, stops main (a slot in use cannot be dropped) and drops the slot
// on the source, as unfollow does. "" when done or there is no slot; else
// the warning that tells the user how to drop it by hand (an unreachable
// source does not stop the delete).
Result<std::string> release_source_slot(Context& ctx, const std::string& project);

}  // namespace velo::core
