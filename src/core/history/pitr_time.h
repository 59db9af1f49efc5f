// The times a user gives velo: when to branch from (--at), how old a
// snapshot may get (prune --older-than), and the timestamps velo stores.
#pragma once

#include <chrono>
#include <string>

#include "util/result.h"

namespace velo::core {

using TimePoint = std::chrono::system_clock::time_point;

// RFC 3339 with any offset ("2026-11-24T10:00:00Z", "2026-11-24 12:00:00.5+02:00"),
// or relative to `now` ("5 minutes ago", "2 hours ago", "30 seconds ago",
// "1 day ago", "90s ago", "now"). A time without a zone is refused: it
// would be read in some machine's TimeZone, which is the PITR pitfall.
Result<TimePoint> parse_point_in_time(const std::string& text, TimePoint now);

// A strict RFC 3339 timestamp with a zone (what format_utc prints).
Result<TimePoint> parse_rfc3339(const std::string& text);

// "90s", "30m", "12h", "7d", "2w", or "3 days", "1 hour". Positive only.
Result<std::chrono::seconds> parse_duration(const std::string& text);

// For recovery_target_time: "2026-11-24 10:00:00.123456+00", always with
// an explicit zone so that the server's TimeZone cannot shift it.
std::string format_pg_utc(TimePoint time);

}  // namespace velo::core
