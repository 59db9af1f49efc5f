// Where a branch's server accepts connections: 127.0.0.1 unless the user
// asks for another address (`velo branch create --listen`), since a branch
// holds a copy of production data.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::core {

inline constexpr const char* kDefaultListenAddress = "127.0.0.1";

// Invalid unless `address` is an IPv4 or IPv6 literal, or "*" (every
// interface).
Status validate_listen_address(const std::string& address);

}  // namespace velo::core
