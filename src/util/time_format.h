// RFC 3339 timestamps in UTC, as velo stores and prints them.
#pragma once

#include <chrono>
#include <string>

namespace velo {

// "2026-11-24T10:00:00.123Z"
std::string format_utc(std::chrono::system_clock::time_point time);

}  // namespace velo
