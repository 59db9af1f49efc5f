#include "core/operation.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/fault.h"

namespace velo::core {

Operation::~Operation() {
  if (undo_.empty()) return;
  interrupt::Cleanup cleanup;
  bool all_undone = undo_.rollback();
  if (interrupt::received() == 0) return;
  interrupt::set_outcome(
      fmt::format("{}; {}", rolled_back_.empty() ? name_ + " was rolled back" : rolled_back_,
                  all_undone ? "nothing left behind" : "'velo gc' will remove what is left"));
}

Status Operation::step(std::string_view step, const std::function<Status()>& action) {
  VELO_TRY(inject_fault(name_, step));
  VELO_TRY(interrupt::check());
  timings::Scope span(step);
  Status status = action();
  // What failed after an interrupt (a child killed, a wait cut short)
  // failed because of it.
  if (!status.ok()) VELO_TRY(interrupt::check());
  return status;
}

void Operation::cleanup(std::string_view what, const std::function<Status()>& work) {
  timings::Scope span(what);
  Status status = inject_fault(name_, "cleanup");
  if (status.ok()) status = work();
  if (!status.ok()) {
    fmt::print(stderr,
               "velo: warning: {} succeeded, but {} failed ({}); 'velo gc' will finish it\n", name_,
               what, status.error().message);
  }
}

}  // namespace velo::core
