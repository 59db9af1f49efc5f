// The command table, the parser built from it, and cli::run's error lines:
// unknown commands with "did you mean", parser errors, and the catch-all
// for exceptions that escape a handler.
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "cli/app.h"
#include "cli/parser.h"
#include "cli/unknown_command.h"

namespace velo::cli {
namespace {

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

// cli::run on `args` (without the program name), its output captured.
Outcome run_with(const CommandTable& table, std::vector<std::string> args) {
  args.insert(args.begin(), "velo");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = run(table, static_cast<int>(argv.size()), argv.data());
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, out, ::testing::internal::GetCapturedStderr()};
}

TEST(CommandTableTest, EveryRowHasHelpAndItsOwnPath) {
  std::set<CommandPath> seen;
  for (const CommandRow& row : command_table()) {
    const std::string name = fmt::format("{}", fmt::join(row.path, " "));
    EXPECT_FALSE(row.path.empty());
    EXPECT_FALSE(row.help.empty()) << name;
    EXPECT_TRUE(seen.insert(row.path).second) << "two rows for " << name;
    if (row.path.size() > 1) {
      // A command's group comes first: the parser adds it there.
      CommandPath group(row.path.begin(), row.path.end() - 1);
      EXPECT_TRUE(seen.count(group)) << name << " before its group";
    }
  }
  EXPECT_TRUE(seen.count({"branch", "create"}));
  EXPECT_TRUE(seen.count({"wal-restore"}));
}

TEST(CommandTableTest, GroupsHaveCommandsAndCommandsHandlers) {
  const CommandTable table = command_table();
  for (const CommandRow& row : table) {
    if (row.run) continue;
    EXPECT_FALSE(row.declare) << row.path[0] << ": a group takes no arguments";
    bool has_command = false;
    for (const CommandRow& other : table) {
      has_command =
          has_command || (other.path.size() == row.path.size() + 1 &&
                          std::equal(row.path.begin(), row.path.end(), other.path.begin()));
    }
    EXPECT_TRUE(has_command) << row.path[0] << " is an empty group";
  }
}

TEST(CommandTableTest, TheParserAcceptsEveryRow) {
  const CommandTable table = command_table();
  Parser parser(table);  // CLI11 throws on a duplicate name or option
  for (const CommandRow& row : table) {
    const CLI::App* app = &parser.app();
    for (const std::string& word : row.path) app = app->get_subcommand(word);
    EXPECT_EQ(app->get_description(), row.help);
  }
}

TEST(CommandWordsTest, SkipsGlobalOptionsAndTheirValues) {
  const CommandTable table = command_table();
  Parser parser(table);
  const CLI::App& root = parser.app();
  EXPECT_EQ(command_words(root, {"--home", "/h", "--json", "brnach", "-v", "list"}),
            (std::vector<std::string>{"brnach", "list"}));
  EXPECT_EQ(command_words(root, {"--home=/h", "branch", "--verbose", "lst", "demo/main"}),
            (std::vector<std::string>{"branch", "lst", "demo/main"}));
  EXPECT_EQ(command_words(root, {"status", "--", "branch"}), (std::vector<std::string>{"status"}));
  EXPECT_EQ(command_words(root, {"--home"}), (std::vector<std::string>{}));
}

TEST(UnknownCommandTest, NamesTheMistypedWordAndTheNearestCommand) {
  const CommandTable table = command_table();
  EXPECT_EQ(unknown_command(table, {"brnach", "list"}),
            "unknown command 'brnach' (did you mean 'branch'?)");
  EXPECT_EQ(unknown_command(table, {"branch", "lst"}),
            "unknown command 'branch lst' (did you mean 'branch list'?)");
  EXPECT_EQ(unknown_command(table, {"snapshot", "prnue", "demo/main"}),
            "unknown command 'snapshot prnue' (did you mean 'snapshot prune'?)");
  EXPECT_EQ(unknown_command(table, {"frobnicate"}),
            "unknown command 'frobnicate' (see velo --help)");
  EXPECT_EQ(unknown_command(table, {"branch", "frobnicate", "demo/main"}),
            "unknown command 'branch frobnicate' (see velo branch --help)");
  // Hidden commands are known but never suggested.
  EXPECT_EQ(unknown_command(table, {"wal-archive", "a", "b", "c"}), std::nullopt);
  EXPECT_EQ(unknown_command(table, {"wal-archiv"}),
            "unknown command 'wal-archiv' (see velo --help)");
}

TEST(UnknownCommandTest, ACommandAfterItsArgumentIsPutFirst) {
  const CommandTable table = command_table();
  EXPECT_EQ(unknown_command(table, {"branch", "shop/x", "show"}),
            "unknown command 'branch shop/x' (did you mean 'branch show shop/x'?)");
  EXPECT_EQ(unknown_command(table, {"create", "branch", "x/y"}),
            "unknown command 'create' (did you mean 'branch create x/y'?)");
}

TEST(UnknownCommandTest, AliasesAreKnown) {
  const CommandTable table = command_table();
  EXPECT_EQ(unknown_command(table, {"branch", "ls"}), std::nullopt);
  EXPECT_EQ(unknown_command(table, {"project", "rm", "p"}), std::nullopt);
  EXPECT_EQ(unknown_command(table, {"snapshot", "ls", "p/main"}), std::nullopt);
  for (const CommandRow& row : table) {
    if (row.path.back() == "list") {
      EXPECT_EQ(row.aliases, std::vector<std::string>{"ls"});
    }
    if (row.path.back() == "delete") {
      EXPECT_EQ(row.aliases, std::vector<std::string>{"rm"});
    }
  }
}

TEST(UnknownCommandTest, KnownCommandsAndTheirArgumentsAreNotUnknown) {
  const CommandTable table = command_table();
  EXPECT_EQ(unknown_command(table, {}), std::nullopt);
  EXPECT_EQ(unknown_command(table, {"branch"}), std::nullopt);
  EXPECT_EQ(unknown_command(table, {"branch", "show", "brnach"}), std::nullopt);
  EXPECT_EQ(unknown_command(table, {"status", "extra"}), std::nullopt);
}

TEST(RunTest, AnUnknownCommandIsOneLineAndExitTwo) {
  Outcome r = run_with(command_table(), {"brnach", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "velo: error: unknown command 'brnach' (did you mean 'branch'?)\n");
  r = run_with(command_table(), {"--json", "branch", "lst"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "velo: error: unknown command 'branch lst' (did you mean 'branch list'?)\n");
}

TEST(RunTest, AGroupWithoutACommandListsItsCommands) {
  Outcome r = run_with(command_table(), {"--json", "snapshot"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "velo: error: 'velo snapshot' needs a command: create, list, delete, prune "
            "(see velo snapshot --help)\n");
  r = run_with(command_table(), {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "velo: error: no command given (see velo --help)\n");
}

TEST(RunTest, VersionNeedsNoCommandAndWinsOverOne) {
  Outcome r = run_with(command_table(), {"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("velo ", 0), 0u) << r.out;
  EXPECT_EQ(run_with(command_table(), {"version"}).out, r.out);
  EXPECT_EQ(run_with(command_table(), {"branch", "list", "--version"}).out, r.out);
}

TEST(RunTest, OtherParserErrorsKeepCliElevensWords) {
  Outcome r = run_with(command_table(), {"branch", "create", "demo/x", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
}

TEST(RunTest, ACommandsHelpListsTheGlobalOptions) {
  Outcome r = run_with(command_table(), {"branch", "create", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--parent"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Global options"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--home"), std::string::npos) << r.out;
}

TEST(RunTest, GlobalOptionsGoBeforeOrAfterTheCommand) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json", "--home", "/h", "ping"}, {"ping", "--json", "--home", "/h"}}) {
    GlobalOptions seen;
    CommandTable table = {command({"ping"}, "answers", [&seen](const GlobalOptions& global) {
      seen = global;
      return Status::Ok();
    })};
    EXPECT_EQ(run_with(table, args).exit_code, 0);
    EXPECT_TRUE(seen.json);
    EXPECT_EQ(seen.home, "/h");
  }
}

TEST(RunTest, ErrorsBecomeOneLineAndTheirExitCode) {
  CommandTable table = {command({"ping"}, "answers", [](const GlobalOptions&) -> Status {
    return make_error(ErrorKind::NotFound, "no such thing");
  })};
  Outcome r = run_with(table, {"ping"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "velo: error: no such thing\n");
}

// A table of one command with a flag and an option, and what it saw.
struct Probe {
  bool flag = false;
  std::string value;
  bool ran = false;
};

CommandTable probe_table(Probe& probe) {
  return {command<int>(
      {"probe"}, "takes a flag and an option",
      [&probe](CLI::App& cmd, int&) {
        cmd.add_flag("--flag", probe.flag, "a flag");
        cmd.add_option("--value", probe.value, "an option");
      },
      [&probe](const GlobalOptions&, const int&) {
        probe.ran = true;
        return Status::Ok();
      })};
}

TEST(RunTest, AnOptionGivenAnEmptyValueIsRefused) {
  Probe probe;
  Outcome r = run_with(probe_table(probe), {"probe", "--value", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "velo: error: --value: needs a value, not '' (see velo --help)\n");
  EXPECT_FALSE(probe.ran);
  r = run_with(probe_table(probe), {"probe", "--value="});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(probe.ran);
  r = run_with(probe_table(probe), {"probe", "--home", "", "--value", "x"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(probe.ran);
}

TEST(RunTest, AFlagTakesTrueOrFalseAndNothingElse) {
  for (const char* bad : {"--flag=5", "--flag=2", "--flag=yes", "--flag=-1", "--json=5"}) {
    Probe probe;
    Outcome r = run_with(probe_table(probe), {"probe", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_EQ(r.err.find("velo: error: --"), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(probe.ran) << bad;
  }
  for (const auto& [arg, want] : std::vector<std::pair<std::string, bool>>{
           {"--flag", true}, {"--flag=true", true}, {"--flag=false", false}}) {
    Probe probe;
    EXPECT_EQ(run_with(probe_table(probe), {"probe", arg}).exit_code, 0) << arg;
    EXPECT_TRUE(probe.ran);
    EXPECT_EQ(probe.flag, want) << arg;
  }
}

TEST(RunTest, BadInputIsOneLineWhateverItHolds) {
  CommandTable table = {command({"ping"}, "answers", [](const GlobalOptions&) -> Status {
    return make_error(ErrorKind::Invalid, "'a\nb' is not a time");
  })};
  Outcome r = run_with(table, {"ping"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "velo: error: 'a\\x0ab' is not a time\n");
  Probe probe;
  r = run_with(probe_table(probe), {"probe", "--flag=a\nb"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(RunTest, AnExceptionFromAHandlerIsAnInternalError) {
  CommandTable table = {
      command({"boom"}, "throws",
              [](const GlobalOptions&) -> Status { throw std::runtime_error("bad\nthing"); }),
      command({"bang"}, "throws something else", [](const GlobalOptions&) -> Status { throw 42; }),
  };
  Outcome r = run_with(table, {"boom"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "velo: error: internal: bad thing\n");
  r = run_with(table, {"bang"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "velo: error: internal: unknown exception\n");
}

}  // namespace
}  // namespace velo::cli
