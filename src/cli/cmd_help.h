// What `velo --version` prints, shared with `velo version`.
#pragma once

#include "cli/global_options.h"
#include "util/result.h"

namespace velo::cli {

Status print_version(const GlobalOptions& global);

}  // namespace velo::cli
