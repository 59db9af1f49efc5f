#include "util/timings.h"

#include <fmt/format.h>

#include <mutex>

namespace velo::timings {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Recorder {
  std::mutex mutex;
  bool on = false;
  SteadyClock::time_point origin;
  std::vector<Span> spans;
};

// Open spans of this thread: a span nests under those of its own thread
// (start --all starts branches on several).
thread_local int depth = 0;

Recorder& recorder() {
  static Recorder instance;
  return instance;
}

double milliseconds(std::chrono::nanoseconds span) {
  return std::chrono::duration<double, std::milli>(span).count();
}

}  // namespace

void enable() {
  Recorder& r = recorder();
  std::lock_guard lock(r.mutex);
  r.on = true;
  r.origin = SteadyClock::now();
  r.spans.clear();
}

bool enabled() {
  Recorder& r = recorder();
  std::lock_guard lock(r.mutex);
  return r.on;
}

Scope::Scope(std::string_view name) {
  Recorder& r = recorder();
  std::lock_guard lock(r.mutex);
  if (!r.on) return;
  start_ = SteadyClock::now();
  index_ = static_cast<int>(r.spans.size());
  r.spans.push_back(Span{std::string(name), depth++, start_ - r.origin, {}});
}

Scope::~Scope() {
  if (index_ < 0) return;
  Recorder& r = recorder();
  std::lock_guard lock(r.mutex);
  r.spans[static_cast<size_t>(index_)].duration = SteadyClock::now() - start_;
  --depth;
}

std::vector<Span> spans() {
  Recorder& r = recorder();
  std::lock_guard lock(r.mutex);
  return r.spans;
}

std::chrono::nanoseconds elapsed() {
  Recorder& r = recorder();
  std::lock_guard lock(r.mutex);
  return r.on ? SteadyClock::now() - r.origin : std::chrono::nanoseconds{};
}

std::string report() {
  std::string out;
  for (const Span& span : spans()) {
    out += fmt::format("velo: timing: {:{}}{} {:.3f} ms\n", "", span.depth * 2, span.name,
                       milliseconds(span.duration));
  }
  out += fmt::format("velo: timing: total {:.3f} ms\n", milliseconds(elapsed()));
  return out;
}

}  // namespace velo::timings
