// The command line: argv parsed against the command table, the chosen
// command run, and the one place that turns errors into exit codes.
#pragma once

#include "cli/command_table.h"
#include "util/result.h"

namespace velo::cli {

int run(int argc, char** argv);
// The same with another table (tests).
int run(const CommandTable& table, int argc, char** argv);

// 2 for the user's mistakes (bad input, unknown names, conflicts), else 1.
int exit_code_for(ErrorKind kind);

}  // namespace velo::cli
