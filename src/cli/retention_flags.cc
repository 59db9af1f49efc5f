#include "cli/retention_flags.h"

#include "core/history/retention.h"

namespace velo::cli {

void declare_retention_flags(CLI::App& cmd, RetentionFlags& flags) {
  cmd.add_option("--retention", flags.retention,
                 "how far back every moment of main stays recoverable, e.g. 10m, 24h, 7d "
                 "(default 24h)");
  cmd.add_option("--snapshot-every", flags.snapshot_every,
                 "how often 'velo maintain' snapshots main for it, e.g. 10m, 1h (default 1h)");
}

Status apply_retention_flags(const RetentionFlags& flags, int64_t& retention_s,
                             int64_t& snapshot_every_s) {
  if (!flags.retention.empty()) {
    VELO_ASSIGN_OR_RETURN(auto parsed,
                          core::parse_retention_duration("--retention", flags.retention));
    retention_s = parsed.count();
  }
  if (!flags.snapshot_every.empty()) {
    VELO_ASSIGN_OR_RETURN(auto parsed,
                          core::parse_retention_duration("--snapshot-every", flags.snapshot_every));
    snapshot_every_s = parsed.count();
  }
  return Status::Ok();
}

}  // namespace velo::cli
