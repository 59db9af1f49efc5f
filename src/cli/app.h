// The command line: one CLI11 app, a file per command group registering
// its subcommands, and one place that turns errors into exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "app/environment.h"
#include "cli/global_options.h"

namespace velo::cli {

// What the chosen subcommand will do once parsing has succeeded.
struct Invocation {
  GlobalOptions global;
  std::function<Status()> action;
};

// Registration, one per command group (cmd_*.cc).
void add_init_command(CLI::App& app, Invocation& invocation);
void add_project_commands(CLI::App& app, Invocation& invocation);
void add_branch_commands(CLI::App& app, Invocation& invocation);
void add_maintenance_commands(CLI::App& app, Invocation& invocation);
void add_snapshot_commands(CLI::App& app, Invocation& invocation);
void add_wal_commands(CLI::App& app, Invocation& invocation);
// Hidden: the server's archive_command and restore_command.
void add_wal_hook_commands(CLI::App& app, Invocation& invocation);

// Opens the environment or returns its error from the enclosing function.
#define VELO_OPEN_ENV(env, invocation) \
  VELO_ASSIGN_OR_RETURN(               \
      auto env, app::Environment::open({(invocation).global.home, (invocation).global.verbose}))

int run(int argc, char** argv);

// 2 for the user's mistakes (bad input, unknown names, conflicts), else 1.
int exit_code_for(ErrorKind kind);

}  // namespace velo::cli
