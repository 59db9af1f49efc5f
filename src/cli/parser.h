// The CLI11 app that cli::run parses argv with, built from the command
// table: the global options, then a subcommand per row.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_table.h"
#include "cli/global_options.h"

namespace velo::cli {

class Parser {
 public:
  // REQUIRES: `table` outlives the parser.
  explicit Parser(const CommandTable& table);

  // CLI11's exceptions (ParseError and its kin, help included) propagate.
  void parse(int argc, char** argv) { app_.parse(argc, argv); }
  CLI::App& app() { return app_; }

  // After a successful parse: the options given and the command chosen.
  const GlobalOptions& global() const { return global_; }
  const CommandRow* chosen() const { return chosen_; }

 private:
  CLI::App app_;
  GlobalOptions global_;
  const CommandRow* chosen_ = nullptr;
};

}  // namespace velo::cli
