#include "support/source_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/free_port.h"
#include "support/velo_cli.h"
#include "util/fd.h"
#include "util/fs.h"
#include "util/os_user.h"

namespace velo::e2e {
namespace {

Command as_postgres(std::vector<std::string> argv) {
  Command command{std::move(argv)};
  auto user = lookup_user("postgres");
  if (user.ok()) command.user = *user;
  return command;
}

// initdb costs seconds here (bootstrap, collations), and each test starts
// its own source: every source is a copy of one cluster made by initdb
// once, kept across runs (its name says what it holds) and made under a
// lock, whole or not at all (built aside, then renamed).
Result<std::string> template_data_dir(ProcessRunner& runner, const std::string& version) {
  const std::string dir = "/var/tmp/velo-test-source-" + version + "-scram1";
  const std::string lock_path = dir + ".lock";
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) ::close(lock);
    return make_error(ErrorKind::Io, "cannot lock {}", lock_path);
  }
  UniqueFd held(lock);
  if (path_exists(dir + "/data/PG_VERSION")) return dir + "/data";
  VELO_ASSIGN_OR_RETURN(OsUser postgres, lookup_user("postgres"));
  const std::string building = dir + ".building";
  (void)remove_tree(building);
  VELO_TRY(make_dirs(building, 0755));
  if (::chown(building.c_str(), postgres.uid, postgres.gid) != 0) {
    return make_error(ErrorKind::Io, "chown {}", building);
  }
  const std::string pwfile = building + "/pw";
  VELO_TRY(write_file_atomic(pwfile, std::string(SourceServer::kPassword) + "\n", 0600,
                             postgres.uid, postgres.gid));
  VELO_TRY(run_checked(
      runner, as_postgres({pg_bin("initdb", version), "-D", building + "/data", "-U", "postgres",
                           "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=peer",
                           "--no-instructions", "--no-sync"})));
  ::unlink(pwfile.c_str());
  (void)remove_tree(dir);
  if (::rename(building.c_str(), dir.c_str()) != 0) {
    return make_error(ErrorKind::Io, "rename {} to {}", building, dir);
  }
  return dir + "/data";
}

}  // namespace

std::string SourceServer::unavailable_reason(const std::string& version) {
  if (!running_as_root()) return "source servers run as OS user postgres, which needs root";
  if (!lookup_user("postgres").ok()) return "no OS user postgres";
  for (const char* program : {"initdb", "pg_ctl", "pgbench", "pg_basebackup"}) {
    if (::access(pg_bin(program, version).c_str(), X_OK) != 0) {
      return pg_bin(program, version) + " is missing (PostgreSQL " + version + " not installed)";
    }
  }
  return "";
}

Result<std::unique_ptr<SourceServer>> SourceServer::start(const std::string& version) {
  std::unique_ptr<SourceServer> server(new SourceServer());
  server->version_ = version;
  char dir_template[] = "/tmp/velo-source-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return make_error(ErrorKind::Io, "mkdtemp failed");
  server->dir_ = dir_template;
  VELO_ASSIGN_OR_RETURN(OsUser postgres, lookup_user("postgres"));
  if (::chown(server->dir_.c_str(), postgres.uid, postgres.gid) != 0) {
    return make_error(ErrorKind::Io, "chown {}", server->dir_);
  }
  ::chmod(server->dir_.c_str(), 0755);
  std::string data = server->dir_ + "/data";
  auto& runner = server->runner_;
  VELO_ASSIGN_OR_RETURN(std::string template_data, template_data_dir(runner, version));
  VELO_TRY(run_checked(runner, Command{{"cp", "-a", template_data, data}}));
  server->port_ = free_port();
  std::string conf = "\n# test source\nport = " + std::to_string(server->port_) +
                     "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" +
                     server->dir_ +
                     "'\nwal_level = replica\nmax_wal_senders = 10\n"
                     "max_replication_slots = 10\nfsync = off\n";
  VELO_ASSIGN_OR_RETURN(std::string old_conf, read_file(data + "/postgresql.conf"));
  VELO_TRY(write_file_atomic(data + "/postgresql.conf", old_conf + conf, 0600, postgres.uid,
                             postgres.gid));
  std::string hba =
      "local all all peer\n"
      "host all all 127.0.0.1/32 scram-sha-256\n"
      "host replication all 127.0.0.1/32 scram-sha-256\n";
  VELO_TRY(write_file_atomic(data + "/pg_hba.conf", hba, 0600, postgres.uid, postgres.gid));
  VELO_TRY(run_checked(runner, as_postgres({pg_bin("pg_ctl", version), "-D", data, "-l",
                                            server->dir_ + "/log", "-w", "-t", "60", "start"})));
  server->running_ = true;
  return server;
}

SourceServer::~SourceServer() {
  (void)stop();
  if (!dir_.empty()) (void)remove_tree(dir_);
}

Status SourceServer::stop() {
  if (!running_) return Status::Ok();
  running_ = false;
  auto stopped = run_checked(runner_, as_postgres({pg_bin("pg_ctl", version_), "-D", dir_ + "/data",
                                                   "-m", "fast", "-w", "stop"}));
  if (!stopped.ok()) return stopped.error();
  return Status::Ok();
}

std::string SourceServer::url(const std::string& user, const std::string& password,
                              const std::string& db) const {
  std::string auth = password.empty() ? user : user + ":" + password;
  return "postgres://" + auth + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

pg::ConnParams SourceServer::params(const std::string& db) const {
  pg::ConnParams params;
  params.host = "127.0.0.1";
  params.port = port_;
  params.user = "postgres";
  params.password = kPassword;
  params.dbname = db;
  return params;
}

Result<std::vector<pg::Row>> SourceServer::sql(const std::string& statement,
                                               const std::string& db) {
  VELO_ASSIGN_OR_RETURN(auto conn, pg::Connection::open(params(db)));
  return conn.query(statement);
}

std::string SourceServer::value(const std::string& statement, const std::string& db) {
  auto rows = sql(statement, db);
  if (!rows.ok()) {
    ADD_FAILURE() << statement << ": " << rows.error().message;
    return "";
  }
  if (rows->size() != 1 || rows->at(0).size() != 1) {
    ADD_FAILURE() << statement << ": not one value";
    return "";
  }
  return rows->at(0).at(0);
}

Result<ExecResult> SourceServer::run_client(const std::string& program,
                                            std::vector<std::string> args) {
  Command command;
  command.argv = {pg_bin(program, version_), "-h", "127.0.0.1", "-p",
                  std::to_string(port_),     "-U", "postgres"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = {{"PGPASSWORD", kPassword}};
  return run_checked(runner_, command);
}

Status SourceServer::pgbench_init(int scale, const std::string& db) {
  auto result = run_client("pgbench", {"-i", "-q", "-s", std::to_string(scale), db});
  if (!result.ok()) return result.error();
  return Status::Ok();
}

}  // namespace velo::e2e
