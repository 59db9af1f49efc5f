// Fault injection for tests: VELO_FAULT=<operation>:<step>:fail|kill makes
// that step of that operation fail (an Io error, so its undo runs) or
// SIGKILL the whole process right there (so nothing runs: what a crash or
// a power loss leaves). Several faults are separated by commas. Unset, it
// costs one getenv per step.
#pragma once

#include <string_view>

#include "util/result.h"

namespace velo::core {

// Ok, an injected error, or no return at all (kill).
Status inject_fault(std::string_view operation, std::string_view step);

}  // namespace velo::core
