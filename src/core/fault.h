// Fault injection for tests: VELO_FAULT=<operation>:<step>:ACTION makes
// that step of that operation fail (`fail`: an Io error, so its undo
// runs), SIGKILL the whole process right there (`kill`: nothing runs, what
// a crash or a power loss leaves), or send velo a SIGINT or SIGTERM just
// before the step (`sigint`, `sigterm`: a user's Ctrl-C, a CI cancel). Several faults are separated
// by commas. Unset, it costs one getenv per step.
#pragma once

#include <string_view>

#include "util/result.h"

namespace velo::core {

// Ok, an injected error, or no return at all (kill).
Status inject_fault(std::string_view operation, std::string_view step);

}  // namespace velo::core
