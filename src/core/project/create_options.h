// What `velo project create` is given, checked before anything is opened
// or made: the same for a new cluster, an import from a server and a dump.
#pragma once

#include "core/project/project_ops.h"
#include "util/result.h"

namespace velo::core {

// Invalid for a bad name, a PostgreSQL version that is not a major
// number, an unknown runtime, an --image without the docker runtime or
// one Docker would not take as a reference, an --archive-timeout out of
// 1..86400 seconds.
Status validate_project_options(const CreateProjectOptions& options);

}  // namespace velo::core
