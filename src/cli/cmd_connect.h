// Connecting to a branch: `velo branch url`, `velo psql`, and the
// connection that create, reset and password hand back (cmd_connect.cc);
// `velo logs` (cmd_logs.cc). `velo project set --database` is in
// cmd_project_set.cc.
#pragma once

#include "cli/command_table.h"
#include "core/cluster.h"

namespace velo::cli {

CommandRow branch_url_command();
// velo logs (cmd_logs.cc), a row of connect_commands().
CommandRow logs_command();

// On a terminal: how to get the password, which is never printed there.
void print_password_hint(const core::BranchHandle& handle);

}  // namespace velo::cli
