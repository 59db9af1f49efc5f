// Progress of a long copy (an import, a restore) for a person watching:
// how many bytes are done, of how many, how fast, how long is left. The
// numbers come from measuring the target while the work runs; how they
// are shown (a bar on a terminal, lines otherwise) is the sink's business.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "util/clock.h"
#include "util/exec.h"

namespace velo::core {

struct ProgressSample {
  uint64_t done = 0;
  std::optional<uint64_t> total;  // unknown for a restore
  std::chrono::milliseconds elapsed{0};
  double rate = 0;  // bytes per second, averaged since the start
  std::optional<std::chrono::seconds> left;
};

// Builds a sample from what was measured (rate and time left derived).
ProgressSample make_sample(uint64_t done, std::optional<uint64_t> total,
                           std::chrono::milliseconds elapsed);

// "1.2 GB", "512.0 MB", "17 B".
std::string format_bytes(uint64_t bytes);
// "45 s", "3 min 05 s", "1 h 02 min".
std::string format_duration(std::chrono::seconds duration);
// "512.0 MB of 1.5 GB (33%), 48.0 MB/s, 21 s left"; without a total,
// "512.0 MB, 48.0 MB/s".
std::string format_progress(const ProgressSample& sample);
// "[=======>            ] " + format_progress(sample), `width` columns of bar.
std::string format_progress_bar(const ProgressSample& sample, int width);

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void update(const std::string& what, const ProgressSample& sample) = 0;
  // `ok`: whether the work succeeded.
  virtual void finish(const std::string& what, const ProgressSample& sample, bool ok) = 0;
};

// Runs `command` to completion on a worker thread while the calling thread
// samples `measure()` about every `interval` and reports to `sink` (may be
// null). Returns what ProcessRunner::run returns: a non-zero exit is a
// value for the caller to judge.
Result<ExecResult> run_with_progress(
    ProcessRunner& runner, const Command& command, const std::function<uint64_t()>& measure,
    std::optional<uint64_t> total, const std::string& what, ProgressSink* sink, Clock& clock,
    std::chrono::milliseconds interval = std::chrono::milliseconds(500));

// Bytes in files under `path` (apparent sizes, symlinks not followed);
// what cannot be read counts as 0.
uint64_t tree_bytes(const std::string& path);

}  // namespace velo::core
