// Printing: aligned tables for people, JSON for scripts (--json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/branch/inspect.h"
#include "util/human_bytes.h"

namespace velo::cli {

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);
void print_json(const nlohmann::json& value);

// "1 branch", "2 branches", "0 branches".
std::string counted(int64_t n, const std::string& singular, const std::string& plural);

}  // namespace velo::cli
