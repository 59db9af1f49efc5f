// Shell completion scripts, generated from the parsed command table so
// that they list exactly the commands and options velo takes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace velo::cli {

// A bash script defining _velo and registering it for `velo`: commands
// and their aliases by position, each command's options after a '-',
// and project and branch names (from `velo complete-names`) elsewhere.
std::string bash_completion(CLI::App& root);
// The same for zsh, through its bash completion layer (bashcompinit).
std::string zsh_completion(CLI::App& root);

}  // namespace velo::cli
