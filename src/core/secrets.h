// Generated passwords.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::core {

// 32 characters from [A-Za-z0-9], from getrandom(2): about 190 bits.
Result<std::string> generate_password();

}  // namespace velo::core
