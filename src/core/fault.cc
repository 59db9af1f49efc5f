#include "core/fault.h"

#include <signal.h>

#include <cstdlib>
#include <string>

namespace velo::core {
namespace {

// Whether `spec` ("op:step:action") names this step; "*" matches any
// operation or step, so a test can sweep a whole command.
bool names(std::string_view spec, std::string_view operation, std::string_view step,
           std::string_view& action) {
  auto first = spec.find(':');
  auto second = first == std::string_view::npos ? first : spec.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  std::string_view op = spec.substr(0, first);
  std::string_view st = spec.substr(first + 1, second - first - 1);
  action = spec.substr(second + 1);
  return (op == "*" || op == operation) && (st == "*" || st == step);
}

}  // namespace

Status inject_fault(std::string_view operation, std::string_view step) {
  const char* env = std::getenv("VELO_FAULT");
  if (env == nullptr || *env == '\0') return Status::Ok();
  std::string_view faults(env);
  while (!faults.empty()) {
    auto comma = faults.find(',');
    std::string_view spec = faults.substr(0, comma);
    faults = comma == std::string_view::npos ? std::string_view() : faults.substr(comma + 1);
    std::string_view action;
    if (!names(spec, operation, step, action)) continue;
    if (action == "kill") ::kill(::getpid(), SIGKILL);
    // As a user's Ctrl-C or a CI runner's cancel, right before the step.
    if (action == "sigint") ::raise(SIGINT);
    if (action == "sigterm") ::raise(SIGTERM);
    if (action == "fail") {
      return make_error(ErrorKind::Io, "injected fault at {}:{}", operation, step);
    }
  }
  return Status::Ok();
}

}  // namespace velo::core
