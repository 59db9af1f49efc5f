// velo --timings: spans nest by thread, and the report names each.
#include "util/timings.h"

#include <gtest/gtest.h>

#include <thread>

namespace velo::timings {
namespace {

TEST(Timings, RecordsNestedSpansInOrder) {
  enable();
  {
    Scope outer("branch-create");
    { Scope inner("clone"); }
    { Scope inner("start"); }
  }
  auto recorded = spans();
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_EQ(recorded[0].name, "branch-create");
  EXPECT_EQ(recorded[0].depth, 0);
  EXPECT_EQ(recorded[1].name, "clone");
  EXPECT_EQ(recorded[1].depth, 1);
  EXPECT_EQ(recorded[2].depth, 1);
  EXPECT_GE(recorded[0].duration, recorded[1].duration + recorded[2].duration);
  EXPECT_LE(recorded[1].start, recorded[2].start);
  std::string report = timings::report();
  EXPECT_NE(report.find("velo: timing: branch-create "), std::string::npos) << report;
  EXPECT_NE(report.find("velo: timing:   clone "), std::string::npos) << report;
  EXPECT_NE(report.find("velo: timing: total "), std::string::npos) << report;
}

TEST(Timings, EnableStartsAfreshAndOtherThreadsNestOnTheirOwn) {
  enable();
  { Scope before("old"); }
  enable();
  Scope outer("start-all");
  std::thread worker([] { Scope span("start p/b"); });
  worker.join();
  auto recorded = spans();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].name, "start p/b");
  EXPECT_EQ(recorded[1].depth, 0);
}

}  // namespace
}  // namespace velo::timings
