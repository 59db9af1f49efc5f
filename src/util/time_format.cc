#include "util/time_format.h"

#include <fmt/format.h>

#include <ctime>

namespace velo {

std::string format_utc(std::chrono::system_clock::time_point time) {
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  // Floor division: before 1970 the remainder is negative otherwise
  // ("08.-933Z").
  int64_t whole = millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000);
  std::time_t seconds = static_cast<std::time_t>(whole);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     millis - whole * 1000);
}

}  // namespace velo
