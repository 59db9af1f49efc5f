#include "core/import/dump.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "core/import/basebackup.h"
#include "core/import/roles.h"
#include "core/names.h"
#include "core/project/project_ops.h"
#include "util/fs.h"

namespace velo::core {
namespace {

std::string bin(const ImportDumpOptions& options, const std::string& program) {
  return "/usr/lib/postgresql/" + options.project.pg_version + "/bin/" + program;
}

// Host, port and user of main as options; the password in PGPASSWORD.
Command client_command(BranchHandle& handle, std::vector<std::string> argv) {
  pg::ConnParams params = conn_params(handle);
  argv.insert(argv.begin() + 1, {"--host=" + params.host, "--port=" + std::to_string(params.port),
                                 "--username=" + params.user, "--no-password"});
  Command command{std::move(argv)};
  command.stop_on_interrupt = true;  // a restore may take hours
  // None on the admin socket (peer).
  if (!params.password.empty()) command.env.emplace_back("PGPASSWORD", params.password);
  command.env.emplace_back("PGPASSFILE", "/dev/null");
  return command;
}

Result<std::string> target_database(Context& ctx, const ImportDumpOptions& options,
                                    BranchHandle& handle, DumpFormat format) {
  if (format == DumpFormat::Plain) return std::string("postgres");
  auto listing =
      run_checked(ctx.runner, Command{{bin(options, "pg_restore"), "--list", options.dump_path}});
  if (!listing.ok()) {
    // It starts like an archive, and pg_restore cannot read it.
    return make_error(ErrorKind::Invalid, "{} is not a readable pg_dump archive: {}",
                      options.dump_path, listing.error().message);
  }
  std::string name = dump_database_name(listing->out).value_or("postgres");
  pg::ConnParams params = conn_params(handle);
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(params));
  VELO_ASSIGN_OR_RETURN(auto rows,
                        conn->query("SELECT count(*) FROM pg_database WHERE datname = $1", {name}));
  if (rows.at(0).at(0) == "0") {
    ctx.reporter.step(fmt::format("creating database {}", name));
    VELO_ASSIGN_OR_RETURN(auto sql,
                          conn->query("SELECT format('CREATE DATABASE %I', $1::text)", {name}));
    VELO_TRY(conn->exec(sql.at(0).at(0)));
  }
  return name;
}

Command restore_command(const ImportDumpOptions& options, BranchHandle& handle, DumpFormat format,
                        const std::string& database) {
  if (format == DumpFormat::Plain) {
    return client_command(
        handle, {bin(options, "psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                 "--dbname=" + database, "--output=/dev/null", "--file=" + options.dump_path});
  }
  return client_command(handle,
                        {bin(options, "pg_restore"), "--dbname=" + database, "--exit-on-error",
                         "--jobs=" + std::to_string(options.jobs), options.dump_path});
}

// The roles the dump's owners and grants name, made before the restore
// needs them (core/import_roles.h); returns those created.
Result<std::vector<std::string>> prepare_roles(Context& ctx, const ImportDumpOptions& options,
                                               BranchHandle& handle, DumpFormat format) {
  VELO_ASSIGN_OR_RETURN(auto named, roles_in_dump(ctx.runner, bin(options, "pg_restore"),
                                                  options.dump_path, format == DumpFormat::Plain));
  if (named.empty()) return named;
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(handle)));
  VELO_ASSIGN_OR_RETURN(auto created, create_missing_roles(*conn, named));
  if (!created.empty()) {
    ctx.reporter.step(fmt::format("created NOLOGIN roles the dump's owners and grants name: {}",
                                  fmt::join(created, ", ")));
  }
  return created;
}

struct Restored {
  std::vector<std::string> roles;
  std::string database;
};

// The restore, and the database it went into as the project's default:
// what `velo branch url` and `velo psql` name from then on. A step of the
// project's create: the caller holds its lock.
Result<Restored> restore(Context& ctx, const ImportDumpOptions& options, DumpFormat format,
                         BranchHandle& handle) {
  VELO_ASSIGN_OR_RETURN(std::string database, target_database(ctx, options, handle, format));
  VELO_ASSIGN_OR_RETURN(auto roles, prepare_roles(ctx, options, handle, format));
  ctx.reporter.step(fmt::format("restoring {} ({} format) into {}/main, database {}",
                                options.dump_path, to_string(format), options.project.name,
                                database));
  const std::string data_dir = handle.spec.data_dir;
  const uint64_t before = tree_bytes(data_dir);
  auto measure = [&] {
    uint64_t now = tree_bytes(data_dir);
    return now > before ? now - before : 0;
  };
  Command command = restore_command(options, handle, format, database);
  VELO_ASSIGN_OR_RETURN(ExecResult result,
                        run_with_progress(ctx.runner, command, measure, std::nullopt, "restoring",
                                          options.progress, ctx.clock));
  if (result.exit_code != 0) {
    std::string why = tool_error_line(result.err);
    if (why.find("No space left on device") != std::string::npos) {
      return make_error(ErrorKind::Io, "the disk filled up during the restore: {}", why);
    }
    // A statement of the dump failed: the input is at fault, not velo or
    // the machine (psql exits 3 for a script error under ON_ERROR_STOP).
    bool dump_at_fault = format == DumpFormat::Plain
                             ? result.exit_code == 3
                             : why.find("could not execute query") != std::string::npos;
    return make_error(dump_at_fault ? ErrorKind::Invalid : ErrorKind::Io, "restoring {} failed: {}",
                      options.dump_path, why.empty() ? "no message" : why);
  }
  VELO_TRY(ctx.store.set_project_database(options.project.name, database));
  return Restored{std::move(roles), database};
}

}  // namespace

const char* to_string(DumpFormat format) {
  switch (format) {
    case DumpFormat::Custom:
      return "custom";
    case DumpFormat::Directory:
      return "directory";
    case DumpFormat::Plain:
      return "plain";
  }
  return "?";
}

Result<DumpFormat> detect_dump_format(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error(ErrorKind::NotFound, "no dump at {}", path);
  }
  if (S_ISDIR(st.st_mode)) {
    if (path_exists(path + "/toc.dat")) return DumpFormat::Directory;
    return make_error(ErrorKind::Invalid,
                      "{} is a directory without toc.dat: not a pg_dump "
                      "directory archive",
                      path);
  }
  if (!S_ISREG(st.st_mode)) {
    return make_error(ErrorKind::Invalid, "{} is not a dump: neither a file nor a directory", path);
  }
  std::ifstream in(path, std::ios::binary);
  char magic[5] = {};
  if (!in) return make_error(ErrorKind::Invalid, "cannot read the dump {}", path);
  in.read(magic, sizeof magic);
  if (in.gcount() == 5 && std::string(magic, 5) == "PGDMP") return DumpFormat::Custom;
  // Plain SQL is text: an empty file or one with NUL bytes near its start
  // is no dump at all (psql would stop at the first NUL).
  if (in.gcount() == 0 && st.st_size == 0) {
    return make_error(ErrorKind::Invalid, "{} is empty: not a pg_dump archive or SQL script", path);
  }
  std::string head(magic, static_cast<size_t>(in.gcount()));
  std::string rest(size_t{64} * 1024, '\0');
  in.read(rest.data(), static_cast<std::streamsize>(rest.size()));
  head += rest.substr(0, static_cast<size_t>(in.gcount()));
  if (head.find('\0') != std::string::npos) {
    return make_error(ErrorKind::Invalid,
                      "{} is not a pg_dump archive (custom or directory) nor SQL text", path);
  }
  return DumpFormat::Plain;
}

std::optional<std::string> dump_database_name(const std::string& listing) {
  static const std::regex line(R"(^;\s+dbname:\s*(.*?)\s*$)");
  std::istringstream in(listing);
  std::string text;
  while (std::getline(in, text)) {
    std::smatch match;
    if (std::regex_match(text, match, line) && !match[1].str().empty()) return match[1].str();
  }
  return std::nullopt;
}

Status validate_import_dump(const ImportDumpOptions& options) {
  VELO_TRY(validate_name("project", options.project.name));
  if (options.jobs < 1 || options.jobs > 64) {
    return make_error(ErrorKind::Invalid, "invalid --jobs {}: expected 1 to 64", options.jobs);
  }
  VELO_ASSIGN_OR_RETURN(DumpFormat format, detect_dump_format(options.dump_path));
  if (format == DumpFormat::Plain && options.jobs > 1) {
    return make_error(ErrorKind::Invalid,
                      "--jobs needs a custom or directory dump; {} is plain "
                      "SQL, which psql reads in one session",
                      options.dump_path);
  }
  return Status::Ok();
}

Result<DumpImport> create_project_from_dump(Context& ctx, const ImportDumpOptions& options) {
  VELO_TRY(validate_import_dump(options));
  VELO_ASSIGN_OR_RETURN(DumpFormat format, detect_dump_format(options.dump_path));
  Restored restored;
  VELO_ASSIGN_OR_RETURN(auto handle,
                        create_project(ctx, options.project, [&](BranchHandle& main) -> Status {
                          VELO_ASSIGN_OR_RETURN(restored, restore(ctx, options, format, main));
                          return Status::Ok();
                        }));
  handle.project.database = restored.database;
  return DumpImport{std::move(handle), std::move(restored.roles)};
}

}  // namespace velo::core
