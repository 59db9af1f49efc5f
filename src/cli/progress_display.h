// Progress on stderr: a bar redrawn in place when stderr is a terminal,
// else a plain line every few seconds (logs, CI).
#pragma once

#include <chrono>

#include "core/import/progress.h"

namespace velo::cli {

class StderrProgress : public core::ProgressSink {
 public:
  explicit StderrProgress(bool terminal) : terminal_(terminal) {}
  void update(const std::string& what, const core::ProgressSample& sample) override;
  void finish(const std::string& what, const core::ProgressSample& sample, bool ok) override;

 private:
  bool terminal_;
  std::chrono::milliseconds last_line_{-1};
  bool drawn_ = false;
};

}  // namespace velo::cli
