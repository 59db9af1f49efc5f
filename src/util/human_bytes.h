// Sizes for people: "512 B", "1.5 MiB", "12.0 GiB" (binary units, as df -h).
#pragma once

#include <cstdint>
#include <string>

namespace velo {

std::string human_bytes(uint64_t bytes);

}  // namespace velo
