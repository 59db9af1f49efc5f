#include "cli/parser.h"

namespace velo::cli {
Parser::Parser(const CommandTable& table)
    : app_("velo: branch PostgreSQL databases the way git branches code", "velo") {
  app_.require_subcommand(1);
  app_.fallthrough();  // global options after the command's name too
  app_.add_option("--home", global_.home, "velo home (default: $VELO_HOME, else ~/.velo)");
  app_.add_flag("--json", global_.json, "print JSON instead of tables");
  app_.add_flag("-v,--verbose", global_.verbose, "print progress even when not on a terminal");

  for (const CommandRow& row : table) {
    CLI::App* parent = &app_;
    for (size_t i = 0; i + 1 < row.path.size(); ++i) parent = parent->get_subcommand(row.path[i]);
    CLI::App* cmd = parent->add_subcommand(row.path.back(), row.help);
    if (row.hidden) cmd->group("");
    if (row.declare) row.declare(*cmd);
    if (row.run) {
      cmd->callback([this, &row] { chosen_ = &row; });
    } else {
      cmd->require_subcommand(1);
    }
  }
}

}  // namespace velo::cli
