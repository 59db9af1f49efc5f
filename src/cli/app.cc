#include "cli/app.h"

#include <fmt/format.h>

namespace velo::cli {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Invalid:
    case ErrorKind::NotFound:
    case ErrorKind::Conflict:
      return 2;
    default:
      return 1;
  }
}

int run(int argc, char** argv) {
  CLI::App app{"velo: branch PostgreSQL databases the way git branches code", "velo"};
  app.require_subcommand(1);
  app.fallthrough();
  Invocation invocation;
  app.add_option("--home", invocation.global.home, "velo home (default: $VELO_HOME, else ~/.velo)");
  app.add_flag("--json", invocation.global.json, "print JSON instead of tables");
  app.add_flag("-v,--verbose", invocation.global.verbose,
               "print progress even when not on a terminal");
  add_init_command(app, invocation);
  add_project_commands(app, invocation);
  add_branch_commands(app, invocation);
  add_maintenance_commands(app, invocation);
  add_snapshot_commands(app, invocation);
  add_wal_commands(app, invocation);
  add_wal_hook_commands(app, invocation);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "velo: error: {} (see velo --help)\n", e.what());
    return 2;
  }
  if (!invocation.action) {
    fmt::print(stderr, "velo: error: missing subcommand (see velo --help)\n");
    return 2;
  }
  Status status = invocation.action();
  if (!status.ok()) {
    fmt::print(stderr, "velo: error: {}\n", status.error().message);
    return exit_code_for(status.error().kind);
  }
  return 0;
}

}  // namespace velo::cli
