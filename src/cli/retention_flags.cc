#include "cli/retention_flags.h"

#include "core/history/retention.h"

namespace velo::cli {

void declare_retention_flags(CLI::App& cmd, RetentionFlags& flags, const std::string& whose) {
  const bool main = whose == "main";
  cmd.add_option("--retention", flags.retention,
                 "how far back every moment of " + whose + " stays recoverable, e.g. 10m, 24h, 7d" +
                     (main ? " (default 24h)" : ""));
  cmd.add_option("--snapshot-every", flags.snapshot_every,
                 "how often 'velo maintain' snapshots " + whose + " for it, e.g. 10m, 1h" +
                     (main ? " (default 1h)" : " (default: the project's)"));
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
