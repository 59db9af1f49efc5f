// velo branch url | psql
#include "cli/cmd_connect.h"

#include <fmt/format.h>

#include "app/reports.h"
#include "cli/connection_format.h"
#include "cli/output.h"
#include "core/branch/connection.h"
#include "core/names.h"
#include "util/exec.h"
#include "util/fs.h"

namespace velo::cli {
namespace {

struct ConnectArgs {
  std::string name;
  std::string database;
  std::string role;
  bool no_password = false;
  std::string format = "url";
  std::vector<std::string> psql_args;
};

Status validate_request(const ConnectArgs& args) {
  if (!args.database.empty()) VELO_TRY(core::validate_identifier("database", args.database));
  if (!args.role.empty()) VELO_TRY(core::validate_identifier("role", args.role));
  return Status::Ok();
}

Result<pg::ConnParams> resolve(app::Environment& env, const core::BranchName& name,
                               const ConnectArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(env.ctx(), name.project, name.branch));
  return core::user_connection(handle, {args.database, args.role});
}

Status branch_url(const GlobalOptions& global, const ConnectArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  VELO_ASSIGN_OR_RETURN(ConnFormat format, parse_conn_format(args.format));
  if (global.json && format != ConnFormat::Json && args.format != "url") {
    return make_error(ErrorKind::Invalid, "--json and --format {} disagree: give one", args.format);
  }
  if (global.json) format = ConnFormat::Json;
  VELO_TRY(validate_request(args));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(pg::ConnParams params, resolve(*env, name, args));
  if (args.no_password) params.password.clear();
  VELO_ASSIGN_OR_RETURN(std::string text, format_connection(format, params));
  if (format == ConnFormat::Json) {
    nlohmann::json json = app::connection_json(params);
    json["name"] = name.full();
    text = json.dump(2) + "\n";
  }
  fmt::print("{}", text);
  return Status::Ok();
}

// psql from PATH, else the project's PostgreSQL's own.
Result<std::string> psql_program(const std::string& pg_version) {
  std::string found = find_on_path("psql");
  if (!found.empty()) return found;
  std::string bundled = "/usr/lib/postgresql/" + pg_version + "/bin/psql";
  if (path_exists(bundled)) return bundled;
  return make_error(ErrorKind::Unavailable,
                    "psql is neither on PATH nor in /usr/lib/postgresql/{}/bin: install "
                    "PostgreSQL's client (postgresql-client)",
                    pg_version);
}

Status psql_command(const GlobalOptions& global, const ConnectArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  VELO_TRY(validate_request(args));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(env->ctx(), name.project, name.branch));
  pg::ConnParams params = core::user_connection(handle, {args.database, args.role});
  VELO_ASSIGN_OR_RETURN(std::string program, psql_program(handle.project.pg_version));
  Command command{{program}};
  command.argv.insert(command.argv.end(), args.psql_args.begin(), args.psql_args.end());
  // The connection through the environment: the password never in argv.
  command.env = {{"PGHOST", params.host},
                 {"PGPORT", std::to_string(params.port)},
                 {"PGDATABASE", params.dbname},
                 {"PGUSER", params.user}};
  if (!params.password.empty()) command.env.emplace_back("PGPASSWORD", params.password);
  command.inherit_stdio = true;
  VELO_ASSIGN_OR_RETURN(ExecResult result, env->ctx().runner.run(command));
  if (result.exit_code != 0) {
    // psql said why on stderr already; velo passes its exit code on.
    return Error{ErrorKind::ChildExit, "", result.exit_code};
  }
  return Status::Ok();
}

void declare_target(CLI::App& cmd, ConnectArgs& args) {
  cmd.add_option("branch", args.name, "PROJECT/BRANCH")->required();
  cmd.add_option("--database", args.database,
                 "connect to database DB (default: the project's, see velo project set)");
  cmd.add_option("--role", args.role,
                 "connect as ROLE (default: the superuser); velo knows the superuser's "
                 "password only, so another role's URL has none: libpq finds it in "
                 "~/.pgpass or PGPASSWORD");
}

void declare_url(CLI::App& cmd, ConnectArgs& args) {
  declare_target(cmd, args);
  cmd.add_flag("--no-password", args.no_password, "leave the password out");
  cmd.add_option("--format", args.format,
                 "url (default), env (export lines for eval), pgpass (a ~/.pgpass line), "
                 "json (same as --json)");
}

void declare_psql(CLI::App& cmd, ConnectArgs& args) {
  declare_target(cmd, args);
  cmd.add_option("psql-args", args.psql_args, "arguments for psql, after --");
}

}  // namespace

CommandRow branch_url_command() {
  return command<ConnectArgs>(
      {"branch", "url"},
      "print how to connect to the branch: a postgres:// URL (with the password), shell "
      "exports, a .pgpass line or JSON",
      declare_url, branch_url);
}

CommandTable connect_commands() {
  return {
      command<ConnectArgs>({"psql"},
                           "run psql on a branch (the password through its environment); "
                           "psql's arguments after --",
                           declare_psql, psql_command),
      logs_command(),
  };
}

void print_password_hint(const core::BranchHandle& handle) {
  fmt::print("  password velo branch url {}/{} (or --format env|pgpass|json)\n",
             handle.project.name, handle.branch.name);
}

}  // namespace velo::cli
