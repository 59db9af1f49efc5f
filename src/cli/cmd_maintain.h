// velo maintain (cmd_maintain.cc), a row of maintenance_commands().
#pragma once

#include "cli/command_table.h"

namespace velo::cli {

CommandRow maintain_row();

}  // namespace velo::cli
