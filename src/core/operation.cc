#include "core/operation.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/fault.h"

namespace velo::core {

Status Operation::step(std::string_view step, const std::function<Status()>& action) {
  VELO_TRY(inject_fault(name_, step));
  return action();
}

void Operation::cleanup(std::string_view what, const std::function<Status()>& work) {
  Status status = inject_fault(name_, "cleanup");
  if (status.ok()) status = work();
  if (!status.ok()) {
    fmt::print(stderr,
               "velo: warning: {} succeeded, but {} failed ({}); 'velo gc' will finish it\n", name_,
               what, status.error().message);
  }
}

}  // namespace velo::core
