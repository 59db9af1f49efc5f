// Progress of an import: the numbers and how they read.
#include <gtest/gtest.h>

#include "core/import/progress.h"

namespace velo::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ImportProgress, Bytes) {
  EXPECT_EQ(format_bytes(17), "17 B");
  EXPECT_EQ(format_bytes(2048), "2.0 kB");
  EXPECT_EQ(format_bytes(512ull << 20), "512.0 MB");
  EXPECT_EQ(format_bytes(1536ull << 20), "1.5 GB");
}

TEST(ImportProgress, Durations) {
  EXPECT_EQ(format_duration(seconds(45)), "45 s");
  EXPECT_EQ(format_duration(seconds(185)), "3 min 05 s");
  EXPECT_EQ(format_duration(seconds(3720)), "1 h 02 min");
  EXPECT_EQ(format_duration(seconds(-3)), "0 s");
}

TEST(ImportProgress, RateAndTimeLeft) {
  ProgressSample sample = make_sample(100ull << 20, 300ull << 20, milliseconds(2000));
  EXPECT_DOUBLE_EQ(sample.rate, 50.0 * (1 << 20));
  ASSERT_TRUE(sample.left.has_value());
  EXPECT_EQ(sample.left->count(), 4);
  EXPECT_EQ(format_progress(sample), "100.0 MB of 300.0 MB (33%), 50.0 MB/s, 4 s left");
}

TEST(ImportProgress, UnknownTotal) {
  ProgressSample sample = make_sample(10ull << 20, std::nullopt, milliseconds(1000));
  EXPECT_FALSE(sample.left.has_value());
  EXPECT_EQ(format_progress(sample), "10.0 MB, 10.0 MB/s");
}

TEST(ImportProgress, NoTimeYet) {
  ProgressSample sample = make_sample(0, 100, milliseconds(0));
  EXPECT_EQ(sample.rate, 0);
  EXPECT_FALSE(sample.left.has_value());
}

TEST(ImportProgress, EstimateNeverShowsPastNinetyNine) {
  // WAL streamed alongside makes the copy bigger than the estimate.
  ProgressSample sample = make_sample(120, 100, milliseconds(1000));
  EXPECT_NE(format_progress(sample).find("(99%)"), std::string::npos);
  EXPECT_EQ(sample.left->count(), 0);
}

TEST(ImportProgress, Bar) {
  ProgressSample sample = make_sample(50, 100, milliseconds(1000));
  std::string bar = format_progress_bar(sample, 10);
  EXPECT_EQ(bar.substr(0, 13), "[=====>    ] ");
}

TEST(ImportProgress, BarWithoutATotalSweepsInsteadOfStayingEmpty) {
  auto at = [](int64_t ms) {
    return format_progress_bar(make_sample(50, std::nullopt, milliseconds(ms)), 10).substr(0, 13);
  };
  EXPECT_EQ(at(0), "[<=>       ] ");
  EXPECT_EQ(at(500), "[ <=>      ] ");
  EXPECT_EQ(at(3500), "[       <=>] ");
  EXPECT_EQ(at(4000), "[      <=> ] ") << "and back";
  EXPECT_EQ(at(7000), "[<=>       ] ");
}

}  // namespace
}  // namespace velo::core
