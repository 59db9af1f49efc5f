#include "cli/parser.h"

#include <memory>

namespace velo::cli {
namespace {

// Appends the global options to a command's help: they are accepted after
// the command's name too, so its help should say so.
class GlobalOptionsFormatter : public CLI::Formatter {
 public:
  std::string make_footer(const CLI::App* app) const override {
    std::string footer = CLI::Formatter::make_footer(app);
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) root = root->get_parent();
    if (root == app) return footer;
    auto globals = root->get_options([root](const CLI::Option* option) {
      return option->nonpositional() && option != root->get_help_ptr();
    });
    // make_group starts with the blank line that make_help has put already;
    // the one after it ends the help as it ends without a footer.
    return make_group("Global options", false, globals).substr(1) + "\n" + footer;
  }
};

}  // namespace

Parser::Parser(const CommandTable& table)
    : app_("velo: branch PostgreSQL databases the way git branches code", "velo") {
  // Set before any subcommand exists: subcommands copy it when made.
  app_.formatter(std::make_shared<GlobalOptionsFormatter>());
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
