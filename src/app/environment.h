// The real parts behind a command: home, state, storage driver, runtimes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/context.h"
#include "util/clock.h"
#include "util/exec.h"

namespace velo::cli {

struct GlobalOptions {
  std::string home;  // --home
  bool json = false;
  bool verbose = false;
};

// --home, else $VELO_HOME, else ~/.velo.
std::string resolve_home(const std::string& flag);

// Prints progress lines to stderr when a person is likely watching.
class StderrReporter : public core::Reporter {
 public:
  explicit StderrReporter(bool enabled) : enabled_(enabled) {}
  void step(const std::string& message) override;

 private:
  bool enabled_;
};

class Environment {
 public:
  // Opens an initialised home (NotFound before `velo init`).
  static Result<std::unique_ptr<Environment>> open(const GlobalOptions& options);
  ~Environment();
  core::Context& ctx() { return *ctx_; }

 private:
  Environment() = default;
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::optional<core::Context> ctx_;
};

}  // namespace velo::cli
