// The command table: one row per command and per command group. cli::run
// builds the CLI11 app from it, so usage, help and "did you mean" come
// from one list. A command is a handler in a cmd_*.cc file and a row.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/environment.h"
#include "cli/global_options.h"
#include "util/result.h"

namespace velo::cli {

using CommandPath = std::vector<std::string>;

struct CommandRow {
  CommandPath path;  // {"branch", "create"}; {"branch"} for the group
  std::string help;
  // Declares the command's arguments and options on its CLI11 subcommand;
  // empty when it takes none.
  std::function<void(CLI::App&)> declare;
  // Runs the command once the command line parsed; empty for a group,
  // which then requires one of its commands.
  std::function<Status(const GlobalOptions&)> run;
  bool hidden = false;  // not in help or suggestions: for the server, not for people
  // Other names for the command: every `list` is also `ls`, every
  // `delete` also `rm` (set by command_table()).
  std::vector<std::string> aliases = {};
};

using CommandTable = std::vector<CommandRow>;

// A row whose declare and run share one Args (the values CLI11 fills in),
// made for this row alone.
template <typename Args>
CommandRow command(CommandPath path, std::string help,
                   std::function<void(CLI::App&, Args&)> declare,
                   std::function<Status(const GlobalOptions&, const Args&)> run) {
  auto args = std::make_shared<Args>();
  return CommandRow{
      std::move(path), std::move(help),
      [args, declare = std::move(declare)](CLI::App& app) { declare(app, *args); },
      [args, run = std::move(run)](const GlobalOptions& global) { return run(global, *args); }};
}
// A command without arguments.
CommandRow command(CommandPath path, std::string help,
                   std::function<Status(const GlobalOptions&)> run);
// A group of commands, `velo NAME COMMAND ...`.
CommandRow group(std::string name, std::string help);

// Each cmd_*.cc file's rows, a group before its commands.
CommandTable init_commands();
CommandTable project_commands();
CommandTable branch_commands();
CommandTable merge_commands();
CommandTable maintenance_commands();
CommandTable snapshot_commands();
CommandTable wal_commands();
CommandTable wal_hook_commands();
CommandTable connect_commands();
CommandTable serve_commands();
CommandTable help_commands();

// Every row, in the order help lists them, with their aliases.
CommandTable command_table();

// Opens the environment or returns its error from the enclosing handler.
// `env` is the name it declares, which cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define VELO_OPEN_ENV(env, global) \
  VELO_ASSIGN_OR_RETURN(auto env, app::Environment::open({(global).home, (global).verbose}))
// NOLINTEND(bugprone-macro-parentheses)

}  // namespace velo::cli
