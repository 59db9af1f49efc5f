#include "core/history/pitr_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>
#include <regex>

namespace velo::core {
namespace {

using std::chrono::seconds;

std::string lower_trimmed(const std::string& text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  auto last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

// Seconds per unit for "s", "sec", "second(s)", "m", "min", "minute(s)", ...
std::optional<int64_t> unit_seconds(const std::string& unit) {
  static const std::pair<const char*, int64_t> units[] = {
      {"s", 1},          {"sec", 1},     {"secs", 1},     {"second", 1},  {"seconds", 1},
      {"m", 60},         {"min", 60},    {"mins", 60},    {"minute", 60}, {"minutes", 60},
      {"h", 3600},       {"hr", 3600},   {"hrs", 3600},   {"hour", 3600}, {"hours", 3600},
      {"d", 86400},      {"day", 86400}, {"days", 86400}, {"w", 604800},  {"week", 604800},
      {"weeks", 604800},
  };
  for (const auto& [name, value] : units) {
    if (unit == name) return value;
  }
  return std::nullopt;
}

// The longest amount taken: a century. Longer ones are typos, and a time
// point that far off would overflow system_clock's nanoseconds.
constexpr int64_t kMaxAmountSeconds = int64_t{100} * 366 * 86400;

Result<seconds> parse_amount(const std::string& text, const std::string& what) {
  static const std::regex pattern(R"(([0-9]{1,9}) *([a-z]+))");
  std::smatch match;
  if (std::regex_match(text, match, pattern)) {
    if (auto unit = unit_seconds(match[2].str())) {
      int64_t count = std::stoll(match[1].str());
      if (count > 0 && count <= kMaxAmountSeconds / *unit) return seconds(count * *unit);
    }
  }
  return make_error(ErrorKind::Invalid,
                    "invalid {} '{}': expected a positive amount with a unit, e.g. 90s, 30m, "
                    "12h, 7d, 2w or \"3 days\"",
                    what, text);
}

}  // namespace

Result<TimePoint> parse_rfc3339(const std::string& text) {
  static const std::regex pattern(
      R"(([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?)"
      R"(([Zz]|[+-][0-9]{2}(:?[0-9]{2})?))");
  std::smatch m;
  auto invalid = [&] {
    return make_error(ErrorKind::Invalid,
                      "'{}' is not a time: expected RFC 3339 with a zone (e.g. "
                      "2026-11-24T10:00:00Z or 2026-11-24T12:00:00+02:00) or a relative time "
                      "(e.g. \"5 minutes ago\")",
                      text);
  };
  if (!std::regex_match(text, m, pattern)) return invalid();
  using namespace std::chrono;
  // system_clock counts nanoseconds in 64 bits: 1677 to 2262. Times of
  // WAL are after 1970, and before 2200 for a while yet; 1900 leaves room.
  int year_number = std::stoi(m[1]);
  if (year_number < 1900 || year_number > 2200) {
    return make_error(ErrorKind::Invalid, "'{}' is out of range: expected a year from 1900 to 2200",
                      text);
  }
  year_month_day date{year{year_number}, month{static_cast<unsigned>(std::stoi(m[2]))},
                      day{static_cast<unsigned>(std::stoi(m[3]))}};
  int hour = std::stoi(m[4]), minute = std::stoi(m[5]), second = std::stoi(m[6]);
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return invalid();
  nanoseconds fraction{0};
  if (m[7].matched) {
    std::string digits = m[7].str().substr(1);
    digits.resize(9, '0');
    fraction = nanoseconds(std::stoll(digits));
  }
  minutes offset{0};
  std::string zone = m[8].str();
  if (zone != "Z" && zone != "z") {
    std::string digits;
    for (char c : zone.substr(1)) {
      if (c != ':') digits += c;
    }
    int hours = std::stoi(digits.substr(0, 2));
    int mins = digits.size() > 2 ? std::stoi(digits.substr(2, 2)) : 0;
    if (hours > 23 || mins > 59) return invalid();
    offset = minutes(hours * 60 + mins);
    if (zone[0] == '-') offset = -offset;
  }
  auto local = sys_days(date) + hours(hour) + minutes(minute) + seconds(second) + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

Result<TimePoint> parse_point_in_time(const std::string& raw, TimePoint now) {
  std::string text = lower_trimmed(raw);
  if (text == "now") return now;
  const std::string ago = " ago";
  if (text.size() > ago.size() && text.compare(text.size() - ago.size(), ago.size(), ago) == 0) {
    auto amount = parse_amount(text.substr(0, text.size() - ago.size()), "relative time");
    if (!amount.ok()) {
      return make_error(ErrorKind::Invalid,
                        "'{}' is not a relative time: expected e.g. \"5 minutes ago\", \"2 hours "
                        "ago\" or \"30 seconds ago\"",
                        raw);
    }
    return now - std::chrono::duration_cast<TimePoint::duration>(*amount);
  }
  return parse_rfc3339(raw);
}

Result<std::chrono::seconds> parse_duration(const std::string& text) {
  return parse_amount(lower_trimmed(text), "duration");
}

std::string format_pg_utc(TimePoint time) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  // Floor division, so that times before 1970 format correctly too.
  int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  int64_t frac = micros - secs * 1000000;
  std::time_t whole = static_cast<std::time_t>(secs);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, frac);
}

}  // namespace velo::core
