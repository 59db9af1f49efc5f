// --retention and --snapshot-every, for `project create`, `project set`
// and `branch create`:
// declared here, in one place, apart from the commands' other options.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "util/result.h"

namespace velo::cli {

struct RetentionFlags {
  std::string retention;       // "" when not given
  std::string snapshot_every;  // "" when not given
  bool any() const { return !retention.empty() || !snapshot_every.empty(); }
};

// `whose`: what the window keeps, as the help says it ("main").
void declare_retention_flags(CLI::App& cmd, RetentionFlags& flags,
                             const std::string& whose = "main");

// Parses the given flags over `retention_s` and `snapshot_every_s` (which
// keep their values for a flag not given). Invalid (exit 2) for 0, a
// negative or an unreadable duration.
Status apply_retention_flags(const RetentionFlags& flags, int64_t& retention_s,
                             int64_t& snapshot_every_s);

}  // namespace velo::cli
