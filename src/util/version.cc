#include "util/version.h"

// Defined for this file alone (CMakeLists.txt), so that a new commit
// recompiles one file, not the tree.
#ifndef VELO_VERSION
#define VELO_VERSION "unknown"
#endif
#ifndef VELO_COMMIT
#define VELO_COMMIT "unknown"
#endif

namespace velo {

std::string velo_version() { return VELO_VERSION; }
std::string velo_commit() { return VELO_COMMIT; }

}  // namespace velo
