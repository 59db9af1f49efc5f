#include "core/import/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>

namespace velo::core {

ProgressSample make_sample(uint64_t done, std::optional<uint64_t> total,
                           std::chrono::milliseconds elapsed) {
  ProgressSample sample;
  sample.done = done;
  sample.total = total;
  sample.elapsed = elapsed;
  if (elapsed.count() > 0) {
    sample.rate = static_cast<double>(done) * 1000.0 / static_cast<double>(elapsed.count());
  }
  if (total && sample.rate > 0) {
    uint64_t rest = *total > done ? *total - done : 0;
    sample.left = std::chrono::seconds(std::llround(static_cast<double>(rest) / sample.rate));
  }
  return sample;
}

std::string format_bytes(uint64_t bytes) {
  static const char* const kUnits[] = {"kB", "MB", "GB", "TB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string format_duration(std::chrono::seconds duration) {
  int64_t s = std::max<int64_t>(0, duration.count());
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

std::string format_progress(const ProgressSample& sample) {
  std::string text = format_bytes(sample.done);
  if (sample.total && *sample.total > 0) {
    // The estimate leaves out WAL written during the copy: never past 99%
    // until the end.
    uint64_t percent = std::min<uint64_t>(99, sample.done * 100 / *sample.total);
    text += fmt::format(" of {} ({}%)", format_bytes(*sample.total), percent);
  }
  text += fmt::format(", {}/s", format_bytes(static_cast<uint64_t>(sample.rate)));
  if (sample.left) text += fmt::format(", {} left", format_duration(*sample.left));
  return text;
}

std::string format_progress_bar(const ProgressSample& sample, int width) {
  std::string bar = "[";
  if (!sample.total || *sample.total == 0) {
    // No end to fill toward (a restore): a block that sweeps back and
    // forth, one step a half second, says it is alive without a false 0%.
    constexpr int kBlock = 3;
    const int span = std::max(1, width - kBlock);
    const int64_t swing = int64_t{2} * span;
    const int step = static_cast<int>(sample.elapsed.count() / 500 % swing);
    const int at = step < span ? step : 2 * span - step;
    for (int i = 0; i < width; ++i) bar += i >= at && i < at + kBlock ? "<=>"[i - at] : ' ';
    return bar + "] " + format_progress(sample);
  }
  double fraction =
      std::min(1.0, static_cast<double>(sample.done) / static_cast<double>(*sample.total));
  int filled = static_cast<int>(fraction * width);
  for (int i = 0; i < width; ++i) bar += i < filled ? '=' : i == filled ? '>' : ' ';
  return bar + "] " + format_progress(sample);
}

Result<ExecResult> run_with_progress(ProcessRunner& runner, const Command& command,
                                     const std::function<uint64_t()>& measure,
                                     std::optional<uint64_t> total, const std::string& what,
                                     ProgressSink* sink, Clock& clock,
                                     std::chrono::milliseconds interval) {
  auto started = clock.monotonic();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock.monotonic() - started);
  };
  // The worker only runs the child; the measuring and printing stay here.
  std::future<Result<ExecResult>> result =
      std::async(std::launch::async, [&runner, &command] { return runner.run(command); });
  while (result.wait_for(interval) != std::future_status::ready) {
    if (sink != nullptr) sink->update(what, make_sample(measure(), total, elapsed()));
  }
  Result<ExecResult> finished = result.get();
  if (sink != nullptr) {
    uint64_t done = measure();
    bool success = finished.ok() && finished->exit_code == 0;
    sink->finish(what,
                 make_sample(done, success ? std::optional<uint64_t>(done) : total, elapsed()),
                 success);
  }
  return finished;
}

uint64_t tree_bytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t bytes = 0;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) bytes += size;
    }
  }
  return bytes;
}

}  // namespace velo::core
