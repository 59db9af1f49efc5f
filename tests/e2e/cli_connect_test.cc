// The everyday surface of connecting, run as a script would: `velo branch
// url --format env` evaluated by bash and used by psql, a .pgpass line
// through PGPASSFILE, `velo psql` with psql's exit code, the connection
// objects of create/reset/password --json, a project's default database
// (set by hand, and brought in by a dump), `velo logs` and the log kept
// by `branch delete --keep-logs`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class CliConnectTest : public CliTest {
 protected:
  // bash -c SCRIPT with $1 = velo, $2 = the home, $3 = psql.
  ExecResult bash(const std::string& script,
                  std::vector<std::pair<std::string, std::string>> env = {}) {
    Command command{{"bash", "-c", script, "bash", VELO_BINARY, velo().home(), pg_bin("psql")}};
    command.env = std::move(env);
    command.env.emplace_back("PGCONNECT_TIMEOUT", "10");
    auto ran = RealProcessRunner().run(command);
    EXPECT_TRUE(ran.ok()) << ran.error().message;
    return ran.ok() ? *ran : ExecResult{-1, "", ""};
  }
  static pg::ConnParams from_json(const nlohmann::json& c) {
    pg::ConnParams p;
    p.host = c.at("host");
    p.port = c.at("port");
    p.user = c.at("user");
    p.password = c.at("password").is_string() ? c.at("password").get<std::string>() : "";
    p.dbname = c.at("database");
    return p;
  }
  static std::string value(const pg::ConnParams& p, const std::string& statement) {
    auto conn = pg::Connection::open(p);
    if (!conn.ok()) return "<" + conn.error().message + ">";
    auto rows = conn->query(statement);
    return rows.ok() && rows->size() == 1 ? rows->at(0).at(0) : "<no single row>";
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      out.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }
};

TEST_P(CliConnectTest, EnvFormatEvaluatedByBashDrivesPsql) {
  create_project("shop");
  ExecResult r = bash(
      "eval \"$(\"$1\" --home \"$2\" branch url shop/main --format env)\" && "
      "\"$3\" -w -Atc \"select current_database() || ',' || current_user\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "postgres,postgres\n");
  // --role: the URL names it, without a password velo does not know.
  CliResult role = ok({"branch", "url", "shop/main", "--role", "app user"});
  EXPECT_EQ(role.out.rfind("postgres://app%20user@", 0), 0U) << role.out;
  EXPECT_EQ(role.out.find(params("shop/main").password), std::string::npos);
  EXPECT_EQ(ok_json({"branch", "url", "shop/main", "--role", "app"})["password"], nullptr);
}

TEST_P(CliConnectTest, PgpassLineWorksThroughPgpassfile) {
  create_project("shop");
  CliResult line = ok({"branch", "url", "shop/main", "--format", "pgpass"});
  const std::string file = pool().dir() + "/pgpass";
  ASSERT_TRUE(write_file_atomic(file, line.out, 0600).ok());
  pg::ConnParams p = params("shop/main");
  ExecResult r = bash("\"$3\" -w -h " + p.host + " -p " + std::to_string(p.port) +
                          " -U postgres -d postgres -Atc 'select 1'",
                      {{"PGPASSFILE", file}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
  // No password, no line.
  EXPECT_EQ(check_usage_error(
                velo().run({"branch", "url", "shop/main", "--format", "pgpass", "--no-password"})),
            "");
}

TEST_P(CliConnectTest, VeloPsqlRunsQueriesAndPassesPsqlsExitCode) {
  create_project("shop");
  CliResult r = velo().run({"psql", "shop/main", "--", "-Atc", "select 40 + 2"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.out, "42\n");
  CliResult failed = velo().run({"psql", "shop/main", "--", "-Atc", "select nope"});
  EXPECT_EQ(failed.exit_code, 1) << failed.describe();
  EXPECT_NE(failed.err.find("nope"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.err.find("velo: error"), std::string::npos) << failed.err;
  CliResult other_db = velo().run(
      {"psql", "shop/main", "--database", "template1", "--", "-Atc", "select current_database()"});
  EXPECT_EQ(other_db.out, "template1\n") << other_db.describe();
}

TEST_P(CliConnectTest, CreateResetPasswordJsonCarryAConnectionThatWorks) {
  create_project("shop");
  nlohmann::json created = ok_json({"branch", "create", "shop/dev"});
  ASSERT_TRUE(created.contains("connection")) << created.dump();
  EXPECT_TRUE(created["unique_bytes"].is_number()) << created.dump();
  pg::ConnParams dev = from_json(created["connection"]);
  EXPECT_EQ(value(dev, "select 1"), "1");
  EXPECT_EQ(created["connection"]["url"], url("shop/dev"));

  nlohmann::json reset = ok_json({"branch", "reset", "shop/dev"});
  EXPECT_EQ(value(from_json(reset["connection"]), "select 2"), "2");
  EXPECT_TRUE(reset["unique_bytes"].is_number()) << reset.dump();

  nlohmann::json rotated = ok_json({"branch", "password", "shop/dev"});
  pg::ConnParams fresh = from_json(rotated["connection"]);
  EXPECT_NE(fresh.password, dev.password);
  EXPECT_EQ(value(fresh, "select 3"), "3");
  EXPECT_NE(value(dev, "select 3"), "3") << "the old password still works";

  // On a terminal: the URL without the password, and how to get it.
  CliResult text = ok({"branch", "create", "shop/two"});
  const pg::ConnParams two = params("shop/two");
  EXPECT_EQ(text.out.find(two.password), std::string::npos) << text.out;
  std::string bare = ok({"branch", "url", "shop/two", "--no-password"}).out;
  bare.pop_back();
  EXPECT_NE(text.out.find("url      " + bare + "\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("velo branch url shop/two"), std::string::npos) << text.out;
}

TEST_P(CliConnectTest, ProjectDefaultDatabaseIsUsedByUrlPsqlAndShow) {
  create_project("shop");
  ASSERT_TRUE(sql("shop/main", "CREATE DATABASE crm").ok());
  const nlohmann::json before = observable();
  EXPECT_EQ(check_usage_error(velo().run({"project", "set", "shop", "--database", "nope"})), "");
  EXPECT_EQ(observable(), before);
  ok({"project", "set", "shop", "--database", "crm"});
  EXPECT_EQ(url("shop/main").substr(url("shop/main").size() - 4), "/crm");
  EXPECT_EQ(show("shop/main")["database"], "crm");
  CliResult r = velo().run({"psql", "shop/main", "--", "-Atc", "select current_database()"});
  EXPECT_EQ(r.out, "crm\n") << r.describe();
  // A branch of the project names it too (its data has the database).
  create_branch("shop/dev");
  ExecResult env = bash(
      "eval \"$(\"$1\" --home \"$2\" branch url shop/dev --format env)\" && "
      "\"$3\" -w -Atc 'select current_database()'");
  EXPECT_EQ(env.out, "crm\n") << env.err;
  nlohmann::json status = ok_json({"status"});
  for (const auto& b : status["branches"]) EXPECT_EQ(b["database"], "crm") << b.dump();
}

TEST_P(CliConnectTest, DumpImportNamesTheDumpsDatabase) {
  create_project("src");
  ASSERT_TRUE(sql("src/main", "CREATE DATABASE sales").ok());
  const std::string dump = pool().dir() + "/sales.dump";
  auto dumped = run_client("src/main", "pg_dump", {"-Fc", "-f", dump, "sales"});
  ASSERT_TRUE(dumped.ok() && dumped->exit_code == 0) << (dumped.ok() ? dumped->err : "");
  std::vector<std::string> args = project_create_args("crm");
  args.insert(args.end(), {"--from-dump", dump});
  ok(args);
  EXPECT_EQ(show("crm/main")["database"], "sales");
  const std::string u = url("crm/main");
  EXPECT_EQ(u.substr(u.size() - 6), "/sales") << u;
}

TEST_P(CliConnectTest, LogsTailShowAndKeepLogs) {
  create_project("shop");
  create_branch("shop/dev");
  const std::string log = show("shop/dev")["log"];
  ASSERT_TRUE(path_exists(log)) << log;
  for (int i = 1; i <= 7; ++i) {
    ASSERT_TRUE(
        sql("shop/dev", "DO $$BEGIN RAISE WARNING 'marker-" + std::to_string(i) + "'; END$$").ok());
  }
  CliResult tail = ok({"logs", "shop/dev", "--lines", "5"});
  std::vector<std::string> got = lines(tail.out);
  ASSERT_EQ(got.size(), 5U) << tail.out;
  std::vector<std::string> file = lines(*read_file(log));
  EXPECT_EQ(got, std::vector<std::string>(file.end() - 5, file.end()));
  EXPECT_NE(tail.out.find("marker-7"), std::string::npos) << tail.out;
  // The default: the last 100 (the whole log, here).
  EXPECT_EQ(lines(ok({"logs", "shop/dev"}).out).size(), std::min<size_t>(100, file.size()));

  CliResult deleted = ok({"branch", "delete", "shop/dev", "--keep-logs"});
  const std::string prefix = velo().home() + "/logs/deleted/shop.dev.";
  size_t at = deleted.out.find(prefix);
  ASSERT_NE(at, std::string::npos) << deleted.out;
  const std::string kept = deleted.out.substr(at, deleted.out.find('\n', at) - at);
  EXPECT_FALSE(path_exists(log));
  auto text = read_file(kept);
  ASSERT_TRUE(text.ok()) << kept;
  EXPECT_NE(text->find("marker-7"), std::string::npos);
  // gc leaves a fresh one.
  ok({"gc"});
  EXPECT_TRUE(path_exists(kept));
}

TEST_P(CliConnectTest, LogsFollowSeesARestart) {
  create_project("shop");
  const std::string out = pool().dir() + "/follow.out";
  Command follow{{VELO_BINARY, "--home", velo().home(), "logs", "-f", "--lines", "0", "shop/main"}};
  auto pid = spawn_detached(follow, out);
  ASSERT_TRUE(pid.ok()) << pid.error().message;
  ok({"branch", "restart", "shop/main"});
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    auto text = read_file(out);
    seen = text.ok() && text->find("ready to accept connections") != std::string::npos;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(*pid, SIGINT);
  int status = 0;
  ::waitpid(*pid, &status, 0);
  EXPECT_TRUE(seen) << *read_file(out);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT) << status;
}

TEST_P(CliConnectTest, BadInputIsRefusedWithOneLine) {
  create_project("shop");
  const nlohmann::json before = observable();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"branch", "url", "shop/main", "--format", "yaml"},
        {"logs", "shop/main", "--lines", "-1"},
        {"project", "set", "shop", "--database", "nope"},
        {"project", "set", "shop", "--database", ""},
        {"branch", "url", "shop/main", "--database", std::string(64, 'x')},
        {"psql", "shop/nope", "--", "-c", "select 1"}}) {
    EXPECT_EQ(check_usage_error(velo().run(args)), "") << args[0] << " " << args[1];
  }
  EXPECT_EQ(observable(), before);
  EXPECT_EQ(show("shop/main")["database"], "postgres");
}

// On the docker runtime the log is the container's output, read through
// the engine: tailed, not followed, and written out by --keep-logs
// before the container goes.
class CliConnectDockerTest : public CliConnectTest {};

TEST_P(CliConnectDockerTest, LogsComeFromTheEngine) {
  create_project("shop");
  create_branch("shop/dev");
  EXPECT_TRUE(show("shop/dev")["log"].is_null()) << show("shop/dev").dump();
  CliResult tail = ok({"logs", "shop/dev", "--lines", "2"});
  EXPECT_EQ(lines(tail.out).size(), 2U) << tail.out;
  EXPECT_NE(tail.out.find("ready to accept connections"), std::string::npos) << tail.out;
  EXPECT_EQ(check_usage_error(velo().run({"logs", "-f", "shop/dev"})), "");
  CliResult deleted = ok({"branch", "delete", "shop/dev", "--keep-logs"});
  const std::string prefix = velo().home() + "/logs/deleted/shop.dev.";
  size_t at = deleted.out.find(prefix);
  ASSERT_NE(at, std::string::npos) << deleted.out;
  auto text = read_file(deleted.out.substr(at, deleted.out.find('\n', at) - at));
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("ready to accept connections"), std::string::npos) << *text;
}

VELO_CLI_INSTANTIATE_ON(CliConnectTest, std::string("btrfs"));
VELO_CLI_INSTANTIATE_ON_DOCKER(CliConnectDockerTest);

}  // namespace
}  // namespace velo::e2e
