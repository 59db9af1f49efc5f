// velo project set (cmd_project_set.cc), a row of project_commands().
#pragma once

#include "cli/command_table.h"

namespace velo::cli {

CommandRow project_set_command();

}  // namespace velo::cli
