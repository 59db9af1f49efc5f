#include "cli/progress_display.h"

#include <fmt/format.h>

namespace velo::cli {
namespace {

constexpr std::chrono::milliseconds kLineEvery{10000};
constexpr int kBarWidth = 30;

}  // namespace

void StderrProgress::update(const std::string& what, const core::ProgressSample& sample) {
  if (terminal_) {
    // \r back to the line's start, \033[K clears what a longer line left.
    fmt::print(stderr, "\r{} {}\033[K", what, core::format_progress_bar(sample, kBarWidth));
    std::fflush(stderr);
    drawn_ = true;
    return;
  }
  if (last_line_.count() >= 0 && sample.elapsed - last_line_ < kLineEvery) return;
  last_line_ = sample.elapsed;
  fmt::print(stderr, "velo: {} {}\n", what, core::format_progress(sample));
}

void StderrProgress::finish(const std::string& what, const core::ProgressSample& sample, bool ok) {
  if (terminal_ && drawn_) fmt::print(stderr, "\r\033[K");
  if (!ok) return;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(sample.elapsed);
  fmt::print(stderr, "velo: {} done: {} in {}\n", what, core::format_bytes(sample.done),
             core::format_duration(seconds));
}

}  // namespace velo::cli
