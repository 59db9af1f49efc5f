// velo doctor's look at the PostgreSQL binaries running branches: a
// native server keeps running the code it started with, so after a
// package upgrade (a new minor release) it runs the old one until it is
// restarted.
#pragma once

#include <vector>

#include "core/branch/inspect.h"
#include "core/project/doctor.h"

namespace velo::core {

// A warning per running native branch whose server binary was replaced
// since it started, else one ok finding.
std::vector<Finding> check_server_binaries(const std::vector<BranchInfo>& branches);

}  // namespace velo::core
