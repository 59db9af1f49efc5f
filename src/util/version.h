// What this velo is: its release and the commit it was built from.
#pragma once

#include <string>

namespace velo {

// "0.10.0", from CMakeLists.txt's project().
std::string velo_version();
// The git commit the build was configured at ("c75ba33"), or "unknown"
// when the source is not a git checkout.
std::string velo_commit();

}  // namespace velo
