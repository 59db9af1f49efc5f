#include "cli/app.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "cli/cmd_help.h"
#include "cli/parser.h"
#include "cli/unknown_command.h"
#include "core/names.h"
#include "util/interrupt.h"
#include "util/timings.h"

namespace velo::cli {
namespace {

// Bad input: exit 2 with one line, naming a mistyped command when that is
// what went wrong rather than CLI11's "A subcommand is required".
int parse_failed(Parser& parser, const CommandTable& table, const CLI::ParseError& e, int argc,
                 char** argv) {
  if (e.get_exit_code() == 0) return parser.app().exit(e);  // --help, --help-all
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  const std::vector<std::string> words = command_words(parser.app(), args);
  if (auto unknown = unknown_command(table, words)) {
    fmt::print(stderr, "velo: error: {}\n", *unknown);
  } else if (auto missing = missing_command(table, words)) {
    fmt::print(stderr, "velo: error: {}\n", *missing);
  } else {
    fmt::print(stderr, "velo: error: {} (see velo --help)\n", core::printable(e.what()));
  }
  return 2;
}

int parse_and_run(const CommandTable& table, int argc, char** argv) {
  Parser parser(table);
  try {
    parser.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_failed(parser, table, e, argc, argv);
  }
  const bool version = parser.global().version;
  if (parser.chosen() == nullptr && !version) {
    fmt::print(stderr, "velo: error: no command given (see velo --help)\n");
    return 2;
  }
  if (parser.global().timings) timings::enable();
  // --version wins over a command, as in git.
  Status status = version ? print_version(parser.global()) : parser.chosen()->run(parser.global());
  if (parser.global().timings) fmt::print(stderr, "{}", timings::report());
  // The program velo ran in its place (velo psql) has said why itself.
  if (!status.ok() && status.error().kind == ErrorKind::ChildExit) {
    return status.error().exit_code;
  }
  // A command that completed despite a signal says so by its output and
  // exit 0: its work is done, and rerunning it would fail.
  if (!status.ok() && interrupt::received() != 0) {
    const std::string& outcome = interrupt::outcome();
    fmt::print(stderr, "velo: interrupted: {}\n",
               outcome.empty() ? status.error().message : outcome);
    return 128 + interrupt::received();
  }
  if (!status.ok()) {
    int code = exit_code_for(status.error().kind);
    // Bad input is answered in one line, whatever control characters the
    // input held; other failures may quote a server's log lines.
    const std::string& message = status.error().message;
    fmt::print(stderr, "velo: error: {}\n", code == 2 ? core::printable(message) : message);
    return code;
  }
  return 0;
}

// One line, whatever the exception's text holds.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Invalid:
    case ErrorKind::NotFound:
    case ErrorKind::Conflict:
      return 2;
    case ErrorKind::Interrupted:
      return 130;
    default:
      return 1;
  }
}

int run(int argc, char** argv) { return run(command_table(), argc, argv); }

int run(const CommandTable& table, int argc, char** argv) {
  // Errors below cli/ are values; an exception getting here is a bug (or
  // std::bad_alloc), and still ends in one line and exit 1, not a core.
  interrupt::install();
  try {
    return parse_and_run(table, argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "velo: error: internal: {}\n", one_line(e.what()));
  } catch (...) {
    fmt::print(stderr, "velo: error: internal: unknown exception\n");
  }
  return 1;
}

}  // namespace velo::cli
