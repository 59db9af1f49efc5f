#include "util/clock.h"

#include <time.h>

#include <cerrno>

namespace velo {

Clock& real_clock() {
  static RealClock clock;
  return clock;
}

void RealClock::sleep_for(std::chrono::microseconds duration) {
  if (duration.count() <= 0) return;
  timespec request{static_cast<time_t>(duration.count() / 1000000),
                   static_cast<long>(duration.count() % 1000000) * 1000};
  // A signal cuts nanosleep short; sleep the remainder.
  while (::nanosleep(&request, &request) != 0 && errno == EINTR) {
  }
}

}  // namespace velo
