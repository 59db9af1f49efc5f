// The real parts behind a command: home, state, storage driver, runtimes.
// Kept apart from cli/ so that anything that serves velo's operations (the
// command line, a future HTTP server) opens one and the same environment.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/context.h"
#include "util/clock.h"
#include "util/exec.h"

namespace velo::app {

struct EnvironmentOptions {
  std::string home;      // as given (--home); empty: $VELO_HOME, else ~/.velo
  bool verbose = false;  // report progress even when stderr is no terminal
  // Where progress goes instead of stderr (velo serve: an operation's
  // steps, or nowhere); not owned.
  core::Reporter* reporter = nullptr;
};

// `flag`, else $VELO_HOME, else ~/.velo.
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
  static Result<std::unique_ptr<Environment>> open(const EnvironmentOptions& options);
  ~Environment();
  core::Context& ctx() { return *ctx_; }

 private:
  Environment() = default;
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::optional<core::Context> ctx_;
};

}  // namespace velo::app
