#include "support/velo_cli.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "core/history/wal_archive.h"
#include "runtime/docker_client.h"
#include "runtime/docker_runtime.h"
#include "storage/driver.h"
#include "support/docker_engine.h"
#include "util/fs.h"

#ifndef VELO_BINARY
#error "VELO_BINARY must name the built velo binary"
#endif

namespace velo::e2e {
namespace {

namespace stdfs = std::filesystem;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
      return make_error(ErrorKind::Invalid, "bad percent-encoding in '{}'", text);
    }
    out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
    i += 2;
  }
  return out;
}

// postmaster.pid files below `root`, at most `depth` directories down; a
// data directory's own subdirectories are not searched.
void find_postmaster_pids(const stdfs::path& root, int depth, std::vector<stdfs::path>& out) {
  std::error_code ec;
  if (stdfs::exists(root / "postmaster.pid", ec)) out.push_back(root / "postmaster.pid");
  if (stdfs::exists(root / "PG_VERSION", ec) || depth == 0) return;
  for (const auto& entry : stdfs::directory_iterator(root, ec)) {
    if (entry.is_directory(ec) && !entry.is_symlink(ec))
      find_postmaster_pids(entry.path(), depth - 1, out);
  }
}

// The last resort of a teardown: a postmaster that `velo project delete`
// left running inside the pool would keep its mount busy. Each is stopped
// by the pid its own postmaster.pid names (SIGQUIT: immediate shutdown).
// Live postmasters running on a data directory inside `dir`, found from
// the postmaster.pid files there. A snapshot or copy may hold a stale
// postmaster.pid: only a process whose working directory (a postmaster's
// is its data directory) lies inside `dir` counts.
std::set<pid_t> pool_postmasters(const std::string& dir) {
  std::vector<stdfs::path> pid_files;
  find_postmaster_pids(dir, 6, pid_files);
  std::set<pid_t> pids;
  for (const auto& file : pid_files) {
    auto text = read_file(file.string());
    if (!text.ok()) continue;
    pid_t pid = static_cast<pid_t>(std::atol(text->c_str()));
    if (pid <= 1 || ::kill(pid, 0) != 0) continue;
    std::error_code ec;
    auto cwd = stdfs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    if (!ec && cwd.string().rfind(dir, 0) == 0) pids.insert(pid);
  }
  return pids;
}

// The last resort of a teardown: a postmaster that `velo project delete`
// left running inside the pool would keep its mount busy. Each is stopped
// by its own pid (SIGQUIT: immediate shutdown).
void stop_stray_servers(const std::string& dir) {
  for (pid_t pid : pool_postmasters(dir)) {
    ADD_FAILURE() << "a server was still running in the pool after teardown (pid " << pid << ")";
    ::kill(pid, SIGQUIT);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

// Processes whose working directory is `dir` (a postmaster and its
// children all run in their data directory).
int processes_in(const std::string& dir) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code link_ec;
    auto cwd = stdfs::read_symlink(entry.path() / "cwd", link_ec);
    if (!link_ec && cwd.string() == dir) ++count;
  }
  return count;
}

// The docker counterpart of stop_stray_servers: containers of this home
// that `velo project delete` left behind.
void remove_stray_containers(const std::string& socket, const std::string& home) {
  runtime::DockerClient client(socket);
  auto containers = client.list_containers("dev.velo.home", home);
  if (!containers.ok()) return;
  for (const auto& container : *containers) {
    ADD_FAILURE() << "container " << container.name << " was still there after teardown";
    (void)client.remove_container(container.id);
  }
}

}  // namespace

nlohmann::json CliResult::json() const {
  nlohmann::json value = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    ADD_FAILURE() << "not JSON: " << describe();
    return nlohmann::json();
  }
  return value;
}

std::vector<std::string> CliResult::err_lines() const {
  std::vector<std::string> lines;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string CliResult::describe() const {
  std::string text = "velo";
  for (const auto& arg : args) text += " '" + arg + "'";
  text += "\n  exit " + std::to_string(exit_code) + "\n  stdout: " + out + "\n  stderr: " + err;
  return text;
}

std::string check_usage_error(const CliResult& r) {
  if (r.exit_code != 2) return "expected exit 2: " + r.describe();
  auto lines = r.err_lines();
  if (lines.size() != 1) return "expected exactly one stderr line: " + r.describe();
  if (lines[0].rfind("velo: error: ", 0) != 0)
    return "expected 'velo: error: ...': " + r.describe();
  if (lines[0].size() <= std::string("velo: error: ").size())
    return "empty message: " + r.describe();
  return "";
}

std::string pg_bin(const std::string& program, const std::string& version) {
  return "/usr/lib/postgresql/" + version + "/bin/" + program;
}

CliResult VeloCli::run(const std::vector<std::string>& args) { return run_argv({}, args); }

CliResult VeloCli::run_interrupted(const std::string& signal_name, const std::string& after,
                                   const std::vector<std::string>& args) {
  // --preserve-status: velo's own exit code, not timeout's 124;
  // --foreground: the signal goes to velo only, once (not also to the
  // process group timeout would make).
  return run_argv(
      {"timeout", "--foreground", "--preserve-status", "--signal=" + signal_name, after}, args);
}

CliResult VeloCli::run_argv(std::vector<std::string> argv, const std::vector<std::string>& args) {
  Command command;
  command.argv = std::move(argv);
  command.argv.push_back(binary_);
  command.argv.emplace_back("--home");
  command.argv.push_back(home_);
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = env_;
  CliResult result;
  result.args = args;
  auto ran = runner_.run(command);
  if (!ran.ok()) {
    result.exit_code = -1;
    result.err = "could not run velo: " + ran.error().message;
    return result;
  }
  result.exit_code = ran->exit_code;
  result.out = ran->out;
  result.err = ran->err;
  return result;
}

Result<pg::ConnParams> parse_postgres_url(const std::string& text) {
  std::string url = text;
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  const std::string scheme = "postgres://";
  if (url.rfind(scheme, 0) != 0)
    return make_error(ErrorKind::Invalid, "not a postgres URL: '{}'", url);
  std::string rest = url.substr(scheme.size());
  auto at = rest.rfind('@');
  if (at == std::string::npos) return make_error(ErrorKind::Invalid, "no user in '{}'", url);
  std::string userinfo = rest.substr(0, at);
  std::string hostpart = rest.substr(at + 1);
  pg::ConnParams params;
  auto colon = userinfo.find(':');
  VELO_ASSIGN_OR_RETURN(params.user, percent_decode(userinfo.substr(0, colon)));
  if (colon != std::string::npos) {
    VELO_ASSIGN_OR_RETURN(params.password, percent_decode(userinfo.substr(colon + 1)));
  }
  auto slash = hostpart.find('/');
  if (slash == std::string::npos) return make_error(ErrorKind::Invalid, "no database in '{}'", url);
  VELO_ASSIGN_OR_RETURN(params.dbname, percent_decode(hostpart.substr(slash + 1)));
  std::string hostport = hostpart.substr(0, slash);
  auto port_colon = hostport.rfind(':');
  if (port_colon == std::string::npos)
    return make_error(ErrorKind::Invalid, "no port in '{}'", url);
  params.host = hostport.substr(0, port_colon);
  if (params.host.size() >= 2 && params.host.front() == '[')
    params.host = params.host.substr(1, params.host.size() - 2);
  std::string port = hostport.substr(port_colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return make_error(ErrorKind::Invalid, "bad port in '{}'", url);
  }
  params.port = std::stoi(port);
  return params;
}

void CliTest::SetUp() {
  std::string reason = pool_unavailable_reason(fs());
  if (!reason.empty()) GTEST_SKIP() << reason;
  if (on_docker()) {
    test::DockerEngine* engine = test::DockerEngine::shared(&reason);
    if (engine == nullptr) GTEST_SKIP() << "docker: " << reason;
    docker_socket_ = engine->socket_path();
    docker_image_ = engine->image();
  }
  auto pool = TempPool::create(fs(), pool_bytes());
  ASSERT_TRUE(pool.ok()) << "cannot make a " << fs() << " pool: " << pool.error().message;
  pool_ = std::move(*pool);
  // A private home, 0700 whatever the umask, inside the pool's directory so
  // that the pool's teardown removes it too.
  std::string home = pool_->dir() + "/home";
  ASSERT_EQ(::mkdir(home.c_str(), 0700), 0) << home;
  ASSERT_EQ(::chmod(home.c_str(), 0700), 0);
  velo_ = std::make_unique<VeloCli>(home);
  if (on_docker()) velo_->set_env("DOCKER_HOST", "unix://" + docker_socket_);
  // Tests run one process each: the pid spreads them over 10000-31599.
  port_min_ = 10000 + static_cast<int>(getpid() % 1800) * kPorts;
  std::vector<std::string> init = pool_->init_args();
  init.push_back("--port-range");
  init.push_back(std::to_string(port_min()) + "-" + std::to_string(port_max()));
  CliResult r = velo_->run_json(init);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  data_root_ = r.json().value("data_root", "");
}

void CliTest::TearDown() {
  if (velo_) {
    CliResult projects = velo_->run_json({"project", "list"});
    if (projects.exit_code == 0) {
      nlohmann::json list = projects.json();
      if (list.is_array()) {
        for (const auto& p : list) {
          CliResult deleted = velo_->run({"project", "delete", p.value("name", ""), "--force"});
          EXPECT_EQ(deleted.exit_code, 0) << "teardown: " << deleted.describe();
        }
      }
    } else {
      ADD_FAILURE() << "teardown: " << projects.describe();
    }
  }
  if (pool_) stop_stray_servers(pool_->dir());
  if (velo_ && on_docker()) remove_stray_containers(docker_socket_, velo_->home());
  velo_.reset();
  pool_.reset();
  // Server-owned files live outside the pool, under /var/lib/velo/<id>
  // (the home's data root): this test's go with it.
  remove_data_root(data_root_);
}

void remove_data_root(const std::string& data_root) {
  if (data_root.starts_with("/var/lib/velo/")) (void)remove_tree(data_root);
}

CliResult CliTest::ok(const std::vector<std::string>& args) {
  CliResult r = velo_->run(args);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  return r;
}

nlohmann::json CliTest::ok_json(const std::vector<std::string>& args) {
  CliResult r = velo_->run_json(args);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  return r.exit_code == 0 ? r.json() : nlohmann::json();
}

std::vector<std::string> CliTest::project_create_args(const std::string& name) const {
  std::vector<std::string> args{"project", "create", name};
  if (on_docker()) args.insert(args.end(), {"--runtime", "docker", "--image", docker_image_});
  return args;
}

void CliTest::create_project(const std::string& name) {
  CliResult r = velo_->run(project_create_args(name));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
}

void CliTest::create_branch(const std::string& name, const std::string& parent) {
  std::vector<std::string> args{"branch", "create", name};
  if (!parent.empty()) {
    args.push_back("--parent");
    args.push_back(parent);
  }
  CliResult r = velo_->run(args);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
}

nlohmann::json CliTest::show(const std::string& name) { return ok_json({"branch", "show", name}); }

nlohmann::json CliTest::list() {
  nlohmann::json branches = ok_json({"branch", "list"});
  if (branches.is_array()) {
    for (auto& b : branches) {
      for (const char* key : {"logical_bytes", "unique_bytes", "snapshot_bytes", "archive_bytes",
                              "space_measured_at"}) {
        b.erase(key);
      }
    }
  }
  return branches;
}

nlohmann::json CliTest::observable() {
  return {{"branches", list()},
          {"projects", ok_json({"project", "list"})},
          {"storage", without_main_history(storage_names())},
          {"servers", live_servers()}};
}

std::vector<std::string> CliTest::without_main_history(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    bool main_snapshot =
        name.find(".main.") != std::string::npos && name.find('@') != std::string::npos;
    if (!main_snapshot) out.push_back(name);
  }
  return out;
}

std::string CliTest::url(const std::string& name) {
  CliResult r = ok({"branch", "url", name});
  std::string url = r.out;
  while (!url.empty() && url.back() == '\n') url.pop_back();
  return url;
}

pg::ConnParams CliTest::params(const std::string& name, const std::string& dbname) {
  auto parsed = parse_postgres_url(url(name));
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  if (!parsed.ok()) return pg::ConnParams{};
  parsed->dbname = dbname;
  parsed->connect_timeout_s = 10;
  return *parsed;
}

std::optional<pg::Connection> CliTest::connect(const std::string& name, const std::string& dbname) {
  auto conn = pg::Connection::open(params(name, dbname));
  EXPECT_TRUE(conn.ok()) << name << ": " << conn.error().message;
  if (!conn.ok()) return std::nullopt;
  return std::move(*conn);
}

Result<std::vector<pg::Row>> CliTest::sql(const std::string& name, const std::string& statement) {
  VELO_ASSIGN_OR_RETURN(auto conn, pg::Connection::open(params(name)));
  return conn.query(statement);
}

std::string CliTest::sql_value(const std::string& name, const std::string& statement) {
  auto rows = sql(name, statement);
  EXPECT_TRUE(rows.ok()) << name << ": " << statement << ": " << rows.error().message;
  if (!rows.ok()) return "<error>";
  EXPECT_EQ(rows->size(), 1u) << name << ": " << statement;
  if (rows->size() != 1 || (*rows)[0].size() != 1) return "<not one value>";
  return (*rows)[0][0];
}

namespace {
Command client_command(const pg::ConnParams& p, const std::string& program,
                       std::vector<std::string> args) {
  Command command;
  command.argv = {pg_bin(program), "-h", p.host, "-p", std::to_string(p.port), "-U", p.user};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = {{"PGPASSWORD", p.password}, {"PGCONNECT_TIMEOUT", "10"}};
  return command;
}
}  // namespace

Result<ExecResult> CliTest::run_client(const std::string& branch, const std::string& program,
                                       std::vector<std::string> args) {
  return runner_.run(client_command(params(branch), program, std::move(args)));
}

Result<pid_t> CliTest::spawn_client(const std::string& branch, const std::string& program,
                                    std::vector<std::string> args, const std::string& log) {
  return spawn_detached(client_command(params(branch), program, std::move(args)), log);
}

std::vector<std::string> CliTest::orphans() {
  CliResult r = velo_->run_json({"doctor"});
  nlohmann::json findings = nlohmann::json::parse(r.out, nullptr, false);
  if (findings.is_discarded() || !findings.is_array()) return {"doctor failed: " + r.describe()};
  std::vector<std::string> out;
  bool saw_orphan_check = false;
  for (const auto& f : findings) {
    std::string check = f.value("check", "");
    if (check == "orphans") {
      saw_orphan_check = true;
      if (f.value("status", "") != "ok") out.push_back("orphans: " + f.value("detail", ""));
    } else if (check.rfind("orphan", 0) == 0) {
      saw_orphan_check = true;
      out.push_back(check + ": " + f.value("detail", ""));
    }
  }
  if (!saw_orphan_check) out.push_back("doctor printed no orphan check: " + r.describe());
  return out;
}

std::vector<std::string> CliTest::zfs_names() {
  Command command;
  command.argv = {"zfs", "list", "-H", "-o", "name", "-t", "all", "-r", pool_->config().zfs_parent};
  auto r = runner_.run(command);
  EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->err : r.error().message);
  std::vector<std::string> names;
  if (!r.ok()) return names;
  std::istringstream in(r->out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line != pool_->config().zfs_parent) names.push_back(line);
  }
  return names;
}

std::vector<std::string> CliTest::storage_names() {
  auto driver = storage::make_driver(pool_->config(), runner_);
  EXPECT_TRUE(driver.ok()) << driver.error().message;
  if (!driver.ok()) return {"<no driver>"};
  auto volumes = (*driver)->list_volumes();
  EXPECT_TRUE(volumes.ok()) << volumes.error().message;
  if (!volumes.ok()) return {"<cannot list volumes>"};
  std::set<std::string> names;
  for (const auto& v : *volumes) {
    names.insert(v);
    auto snapshots = (*driver)->list_snapshots(v);
    EXPECT_TRUE(snapshots.ok()) << v << ": " << snapshots.error().message;
    if (!snapshots.ok()) continue;
    for (const auto& s : *snapshots) names.insert(v + "@" + s);
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> CliTest::live_servers() {
  std::vector<std::string> live;
  for (pid_t pid : pool_postmasters(pool_->dir())) live.push_back(std::to_string(pid));
  if (on_docker()) {
    for (const auto& name : live_containers()) live.push_back(name);
  }
  return live;
}

std::vector<std::string> CliTest::live_containers() {
  std::vector<std::string> names;
  runtime::DockerClient client(docker_socket_);
  auto containers = client.list_containers("dev.velo.home", velo_->home());
  EXPECT_TRUE(containers.ok()) << containers.error().message;
  if (!containers.ok()) return {"<cannot list containers>"};
  for (const auto& container : *containers) {
    if (container.running) names.push_back(container.name);
  }
  return names;
}

void CliTest::kill_server(const std::string& branch) {
  const std::string dir = data_dir(branch);
  if (on_docker()) {
    // The postmaster is the container's main process: killing it ends the
    // container as an OOM kill would.
    runtime::DockerClient client(docker_socket_);
    runtime::ClusterSpec spec;
    spec.project = branch.substr(0, branch.find('/'));
    spec.branch = branch.substr(branch.find('/') + 1);
    const std::string name = runtime::DockerRuntime::container_name(spec);
    ASSERT_TRUE(client.kill_container(name, "SIGKILL").ok()) << name;
    bool running = true;
    for (int i = 0; i < 300 && running; ++i) {
      auto info = client.inspect_container(name);
      running = info.ok() && info->running;
      if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(running) << name << " still runs after SIGKILL";
  } else {
    auto pid_text = read_file(dir + "/postmaster.pid");
    ASSERT_TRUE(pid_text.ok()) << dir;
    pid_t pid = static_cast<pid_t>(std::atol(pid_text->c_str()));
    ASSERT_GT(pid, 1);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    // Its backends notice and exit on their own.
    for (int i = 0; i < 300 && processes_in(dir) > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(processes_in(dir), 0) << "the server's processes did not exit";
  }
  ASSERT_TRUE(path_exists(dir + "/postmaster.pid")) << "no stale postmaster.pid in " << dir;
}

std::string CliTest::data_dir(const std::string& name) {
  auto slash = name.find('/');
  std::string prefix = name.substr(0, slash) + "." + name.substr(slash + 1) + ".";
  auto driver = storage::make_driver(pool_->config(), runner_);
  EXPECT_TRUE(driver.ok()) << driver.error().message;
  if (!driver.ok()) return "";
  auto volumes = (*driver)->list_volumes();
  EXPECT_TRUE(volumes.ok()) << volumes.error().message;
  if (!volumes.ok()) return "";
  std::vector<std::string> matches;
  for (const auto& v : *volumes) {
    // Not its WAL archive's volume (core/history/wal_archive.h).
    if (v.rfind(prefix, 0) == 0 && !core::is_archive_volume(v)) matches.push_back(v);
  }
  EXPECT_EQ(matches.size(), 1u) << "volumes of " << name;
  if (matches.size() != 1) return "";
  return (*driver)->volume_path(matches[0]) + "/data";
}

}  // namespace velo::e2e
