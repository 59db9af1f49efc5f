// Where an operation's time goes (`velo --timings`): named spans measured
// on the steady clock and printed when the command ends. Off unless
// enabled, and then a few hundred nanoseconds a span. Not a Clock user on
// purpose: it measures real time, and no decision depends on it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace velo::timings {

struct Span {
  std::string name;
  int depth = 0;                     // spans inside another span are indented under it
  std::chrono::nanoseconds start{};  // since enable()
  std::chrono::nanoseconds duration{};
};

// Starts recording; spans before this are not kept.
void enable();
bool enabled();

// Records one span from construction to destruction, if enabled.
class Scope {
 public:
  explicit Scope(std::string_view name);
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  ~Scope();

 private:
  int index_ = -1;
  std::chrono::steady_clock::time_point start_;
};

// The spans recorded so far, in the order they started, and the time since
// enable().
std::vector<Span> spans();
std::chrono::nanoseconds elapsed();

// "velo: timing: NAME MS" lines, nested spans indented, and the total.
std::string report();

}  // namespace velo::timings
