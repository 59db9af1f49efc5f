// Time, behind an interface so that tests can step it.
#pragma once

#include <chrono>

namespace velo {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  virtual std::chrono::steady_clock::time_point monotonic() = 0;
  virtual void sleep_for(std::chrono::microseconds duration) = 0;
};

class RealClock : public Clock {
 public:
  TimePoint now() override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point monotonic() override {
    return std::chrono::steady_clock::now();
  }
  void sleep_for(std::chrono::microseconds duration) override;
};

// Real but for the wall time, which stands at a given moment: what
// VELO_NOW sets (app/environment.cc) so that end-to-end tests can run
// `velo maintain` at simulated times. Sleeps and monotonic time are real.
class FixedClock : public RealClock {
 public:
  explicit FixedClock(TimePoint now) : now_(now) {}
  TimePoint now() override { return now_; }

 private:
  TimePoint now_;
};

// One RealClock for the process: the default of the constructors and
// functions that take a Clock, so that only tests need to pass one.
Clock& real_clock();

}  // namespace velo
