// velo doctor: checks the environment, storage, binaries, permissions and
// the agreement between the state index and what exists.
#pragma once

#include <string>
#include <vector>

#include "core/context.h"

namespace velo::core {

struct Finding {
  std::string check;
  std::string status;  // ok | warn | fail
  std::string detail;
};

std::vector<Finding> run_doctor(Context& ctx);

}  // namespace velo::core
