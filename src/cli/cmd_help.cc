// velo version | help | completion, and the hidden complete-names that
// the completion scripts call.
#include "cli/cmd_help.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command_table.h"
#include "cli/completion.h"
#include "cli/output.h"
#include "cli/parser.h"
#include "cli/unknown_command.h"
#include "runtime/postgres_installs.h"
#include "util/version.h"

namespace velo::cli {
namespace {

struct WordsArgs {
  std::vector<std::string> words;
};

// `velo help branch create` prints what `velo branch create --help` does:
// the same parser, asked for that command's help.
Status help_command(const GlobalOptions&, const WordsArgs& args) {
  const CommandTable table = command_table();
  if (auto unknown = unknown_command(table, args.words)) {
    return make_error(ErrorKind::NotFound, "{}", *unknown);
  }
  Parser parser(table);
  std::vector<std::string> argv = {"velo"};
  argv.insert(argv.end(), args.words.begin(), args.words.end());
  argv.emplace_back("--help");
  std::vector<char*> pointers;
  pointers.reserve(argv.size());
  for (std::string& word : argv) pointers.push_back(word.data());
  try {
    parser.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::CallForHelp& e) {
    parser.app().exit(e);
    return Status::Ok();
  } catch (const CLI::ParseError&) {
    // Unreachable for words unknown_command accepted; said plainly if not.
  }
  return make_error(ErrorKind::Invalid, "no help for '{}' (see velo help)",
                    fmt::join(args.words, " "));
}

struct ShellArgs {
  std::string shell;
};

Status completion_command(const GlobalOptions&, const ShellArgs& args) {
  Parser parser(command_table());
  if (args.shell == "bash") {
    fmt::print("{}", bash_completion(parser.app()));
  } else if (args.shell == "zsh") {
    fmt::print("{}", zsh_completion(parser.app()));
  } else {
    return make_error(ErrorKind::Invalid, "no completion for shell '{}': bash or zsh", args.shell);
  }
  return Status::Ok();
}

// Every project and branch name, one a line, for the completion scripts
// (which drop stderr: a home that cannot be opened completes nothing).
Status complete_names_command(const GlobalOptions& global) {
  VELO_OPEN_ENV(env, global);
  auto& store = env->ctx().store;
  VELO_ASSIGN_OR_RETURN(auto projects, store.projects());
  for (const auto& project : projects) fmt::print("{}\n", project.name);
  VELO_ASSIGN_OR_RETURN(auto branches, store.branches());
  for (const auto& branch : branches) fmt::print("{}/{}\n", branch.project, branch.name);
  return Status::Ok();
}

}  // namespace

Status print_version(const GlobalOptions& global) {
  auto installs = runtime::find_postgres_installs();
  if (global.json) {
    nlohmann::json postgres = nlohmann::json::array();
    for (const auto& install : installs) {
      postgres.push_back({{"version", install.version}, {"bin_dir", install.bin_dir}});
    }
    print_json({{"version", velo_version()}, {"commit", velo_commit()}, {"postgres", postgres}});
    return Status::Ok();
  }
  fmt::print("velo {} (commit {})\n", velo_version(), velo_commit());
  std::vector<std::string> versions;
  versions.reserve(installs.size());
  for (const auto& install : installs) versions.push_back(install.version);
  if (versions.empty()) {
    fmt::print("PostgreSQL: none found in /usr/lib/postgresql (apt-get install postgresql)\n");
  } else {
    fmt::print("PostgreSQL: {} (in /usr/lib/postgresql)\n", fmt::join(versions, ", "));
  }
  return Status::Ok();
}

CommandTable help_commands() {
  return {
      command({"version"}, "print velo's version and the PostgreSQL versions it can run",
              print_version),
      command<WordsArgs>(
          {"help"}, "print the help of velo or of a command (velo help branch create)",
          [](CLI::App& cmd, WordsArgs& args) {
            cmd.add_option("command", args.words, "the command: branch, branch create, ...");
          },
          help_command),
      command<ShellArgs>(
          {"completion"}, "print a shell completion script (eval \"$(velo completion bash)\")",
          [](CLI::App& cmd, ShellArgs& args) {
            cmd.add_option("shell", args.shell, "bash or zsh")->required();
          },
          completion_command),
      [] {
        CommandRow row = command({"complete-names"}, "project and branch names, for completion",
                                 complete_names_command);
        row.hidden = true;
        return row;
      }(),
  };
}

}  // namespace velo::cli
