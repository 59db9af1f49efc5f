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

// What CLI11 would take silently and velo refuses: an empty value for an
// option ("--at ''" is not "no --at"), and a value for a flag other than
// true or false (CLI11 reads "--json=5" as true).
void refuse_odd_values(CLI::App& app) {
  static const CLI::Validator non_empty(
      [](std::string& value) { return value.empty() ? std::string("needs a value, not ''") : ""; },
      "");
  static const CLI::Validator flag_value(
      [](std::string& value) {
        return value == "true" || value == "false"
                   ? std::string()
                   : "is a flag: give it alone, or =true or =false, not '" + value + "'";
      },
      "");
  for (CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr() || option == app.get_help_all_ptr()) continue;
    if (!option->nonpositional()) continue;  // the handlers say what a bad argument is
    option->check(option->get_expected_max() == 0 ? flag_value : non_empty);
  }
}

}  // namespace

Parser::Parser(const CommandTable& table)
    : app_("velo: branch PostgreSQL databases the way git branches code", "velo") {
  // Set before any subcommand exists: subcommands copy it when made.
  app_.formatter(std::make_shared<GlobalOptionsFormatter>());
  // None is an error too, but `velo --version` needs none.
  app_.require_subcommand(0, 1);
  app_.fallthrough();  // global options after the command's name too
  app_.add_option("--home", global_.home, "velo home (default: $VELO_HOME, else ~/.velo)");
  app_.add_flag("--json", global_.json, "print JSON instead of tables");
  app_.add_flag("-v,--verbose", global_.verbose, "print progress even when not on a terminal");
  app_.add_flag("--timings", global_.timings,
                "print how long each step took (on stderr, after the command)");
  app_.add_flag("--version", global_.version, "print velo's version (as velo version does)");
  refuse_odd_values(app_);

  for (const CommandRow& row : table) {
    CLI::App* parent = &app_;
    for (size_t i = 0; i + 1 < row.path.size(); ++i) parent = parent->get_subcommand(row.path[i]);
    CLI::App* cmd = parent->add_subcommand(row.path.back(), row.help);
    if (row.hidden) cmd->group("");
    for (const std::string& alias : row.aliases) cmd->alias(alias);
    if (row.declare) {
      row.declare(*cmd);
      refuse_odd_values(*cmd);
    }
    if (row.run) {
      cmd->callback([this, &row] { chosen_ = &row; });
    } else {
      cmd->require_subcommand(1);
    }
  }
}

}  // namespace velo::cli
