// Asking before a destructive command: only of a person at a terminal,
// never of a script (stdin or stderr not a terminal), never with --yes.
#pragma once

#include <cstdio>
#include <string>

#include "util/result.h"

namespace velo::cli {

// Ok when the command may go on; Declined, naming `what` was left alone,
// unless the answer starts with y or Y. `question` is printed on stderr
// followed by " [y/N] ".
Status confirm(const std::string& question, const std::string& what, bool yes);

// The same with the terminal test and the streams given (tests).
Status confirm(const std::string& question, const std::string& what, bool interactive,
               std::FILE* in, std::FILE* out);

// Whether a person can answer: stdin and stderr are terminals.
bool interactive_terminal();

}  // namespace velo::cli
