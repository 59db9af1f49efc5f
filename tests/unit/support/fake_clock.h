// A Clock that only moves when slept on: sleeps return at once and step
// both the wall clock and the monotonic one, so polling loops run their
// timeouts in microseconds of real time.
#pragma once

#include <chrono>

#include "util/clock.h"

namespace velo::testing {

class FakeClock : public Clock {
 public:
  TimePoint now() override { return now_; }
  std::chrono::steady_clock::time_point monotonic() override { return steady_; }
  void sleep_for(std::chrono::microseconds duration) override {
    now_ += duration;
    steady_ += duration;
    slept_ += duration;
  }
  // Moves time on without a sleep (what passes between two commands).
  void advance(std::chrono::microseconds duration) {
    now_ += duration;
    steady_ += duration;
  }
  // The sum of every sleep so far.
  std::chrono::microseconds slept() const { return slept_; }

 private:
  TimePoint now_ = TimePoint(std::chrono::seconds(1795000000));
  std::chrono::steady_clock::time_point steady_{};
  std::chrono::microseconds slept_{0};
};

}  // namespace velo::testing
