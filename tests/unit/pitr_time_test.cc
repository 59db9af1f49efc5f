#include "core/history/pitr_time.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace velo::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint at(const std::string& text) {
  auto parsed = parse_rfc3339(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : TimePoint{};
}

TEST(PitrTimeTest, Rfc3339WithAnyOffset) {
  EXPECT_EQ(format_utc(at("2026-11-24T10:00:00Z")), "2026-11-24T10:00:00.000Z");
  EXPECT_EQ(at("2026-11-24T12:00:00+02:00"), at("2026-11-24T10:00:00Z"));
  EXPECT_EQ(at("2026-11-24T04:30:00-05:30"), at("2026-11-24T10:00:00Z"));
  EXPECT_EQ(at("2026-11-24 10:00:00z"), at("2026-11-24T10:00:00Z"));
  EXPECT_EQ(at("2026-11-24T10:00:00+0000"), at("2026-11-24T10:00:00Z"));
  EXPECT_EQ(at("2026-11-25T00:30:00+01:00"), at("2026-11-24T23:30:00Z"));  // across midnight
  EXPECT_EQ(at("2026-11-24T10:00:00.25Z") - at("2026-11-24T10:00:00Z"),
            std::chrono::milliseconds(250));
  EXPECT_EQ(at("2026-11-24T10:00:00.000001Z") - at("2026-11-24T10:00:00Z"),
            std::chrono::microseconds(1));
  EXPECT_EQ(format_utc(at("2028-02-29T23:59:59.999Z")), "2028-02-29T23:59:59.999Z");
}

TEST(PitrTimeTest, RefusesTimesWithoutZoneAndNonsense) {
  for (const char* text : {"2026-11-24T10:00:00", "2026-11-24", "10:00", "yesterday", "",
                           "2026-02-30T10:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T10:61:00Z",
                           "2026-11-24T10:00:00+25:00", "2026-11-24T10:00:00Z; rm -rf /"}) {
    auto parsed = parse_point_in_time(text, TimePoint{});
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid) << text;
  }
}

TEST(PitrTimeTest, RelativeTimes) {
  TimePoint now = at("2026-11-24T10:00:00Z");
  EXPECT_EQ(*parse_point_in_time("5 minutes ago", now), now - minutes(5));
  EXPECT_EQ(*parse_point_in_time("2 hours ago", now), now - hours(2));
  EXPECT_EQ(*parse_point_in_time("30 seconds ago", now), now - seconds(30));
  EXPECT_EQ(*parse_point_in_time("1 minute ago", now), now - minutes(1));
  EXPECT_EQ(*parse_point_in_time(" 1 Day Ago ", now), now - hours(24));
  EXPECT_EQ(*parse_point_in_time("90s ago", now), now - seconds(90));
  EXPECT_EQ(*parse_point_in_time("now", now), now);
  for (const char* text : {"5 minutes", "minutes ago", "-5 minutes ago", "5 fortnights ago",
                           "0 seconds ago", "5 minutes from now"}) {
    EXPECT_FALSE(parse_point_in_time(text, now).ok()) << text;
  }
}

TEST(PitrTimeTest, Durations) {
  EXPECT_EQ(*parse_duration("90s"), seconds(90));
  EXPECT_EQ(*parse_duration("30m"), minutes(30));
  EXPECT_EQ(*parse_duration("12h"), hours(12));
  EXPECT_EQ(*parse_duration("7d"), hours(7 * 24));
  EXPECT_EQ(*parse_duration("2w"), hours(14 * 24));
  EXPECT_EQ(*parse_duration("3 days"), hours(72));
  for (const char* text : {"", "7", "d", "0s", "-1h", "1y", "1h30m"}) {
    EXPECT_FALSE(parse_duration(text).ok()) << text;
  }
}

// Far-off times would overflow system_clock's 64-bit nanoseconds (signed
// overflow: "9999-12-31T23:59:59Z" came out as a time in 1816).
TEST(PitrTimeTest, TimesBeyondTheClocksRangeAreRefused) {
  const auto now = at("2026-11-24T12:00:00Z");
  for (const char* text : {"9999-12-31T23:59:59Z", "2263-01-01T00:00:00Z", "1600-01-01T00:00:00Z",
                           "0000-01-01T00:00:00Z", "999999999 weeks ago", "36601 days ago"}) {
    auto parsed = parse_point_in_time(text, now);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Invalid) << text;
  }
  EXPECT_FALSE(parse_duration("999999999w").ok());
  EXPECT_TRUE(parse_point_in_time("2200-12-31T23:59:59Z", now).ok());
  EXPECT_TRUE(parse_point_in_time("5200 weeks ago", now).ok());
}

TEST(PitrTimeTest, StoredTimesBefore1970FormatWithoutANegativeFraction) {
  EXPECT_EQ(format_utc(at("1969-12-31T23:59:59.067Z")), "1969-12-31T23:59:59.067Z");
  EXPECT_EQ(format_utc(at("2026-11-24T10:00:00.5Z")), "2026-11-24T10:00:00.500Z");
}

TEST(PitrTimeTest, PostgresFormatHasAnExplicitZone) {
  EXPECT_EQ(format_pg_utc(at("2026-11-24T12:00:00.123456+02:00")), "2026-11-24 10:00:00.123456+00");
  EXPECT_EQ(format_pg_utc(at("1969-12-31T23:59:59.5Z")), "1969-12-31 23:59:59.500000+00");
}

}  // namespace
}  // namespace velo::core
