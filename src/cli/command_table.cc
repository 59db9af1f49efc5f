#include "cli/command_table.h"

namespace velo::cli {

CommandRow command(CommandPath path, std::string help,
                   std::function<Status(const GlobalOptions&)> run) {
  return CommandRow{std::move(path), std::move(help), nullptr, std::move(run)};
}

CommandRow group(std::string name, std::string help) {
  return CommandRow{{std::move(name)}, std::move(help), nullptr, nullptr};
}

CommandTable command_table() {
  CommandTable table;
  for (CommandTable (*rows)() : {init_commands, project_commands, branch_commands, connect_commands,
                                 merge_commands, maintenance_commands, snapshot_commands,
                                 wal_commands, wal_hook_commands, serve_commands, help_commands}) {
    for (CommandRow& row : rows()) table.push_back(std::move(row));
  }
  // The names people type from other tools' habits.
  for (CommandRow& row : table) {
    if (!row.run) continue;
    if (row.path.back() == "list") row.aliases.emplace_back("ls");
    if (row.path.back() == "delete") row.aliases.emplace_back("rm");
  }
  return table;
}

}  // namespace velo::cli
