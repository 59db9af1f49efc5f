// Telling a mistyped command from other bad input, for the one error line:
// "unknown command 'branch lst' (did you mean 'branch list'?)".
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_table.h"

namespace velo::cli {

// The words of `args` (argv without the program) that can name commands:
// every argument but options and their values, up to a "--". Whether an
// option takes a value is asked of `root`, which knows the global ones.
std::vector<std::string> command_words(const CLI::App& root, const std::vector<std::string>& args);

// The error line (without "velo: error: ") when `words` start with a
// command or group the table lacks, else nothing: the words name a
// command, and what follows it is its arguments.
std::optional<std::string> unknown_command(const CommandTable& table,
                                           const std::vector<std::string>& words);

// The error line when `words` name a group and stop there (`velo branch`):
// the group's commands, to pick from.
std::optional<std::string> missing_command(const CommandTable& table,
                                           const std::vector<std::string>& words);

}  // namespace velo::cli
