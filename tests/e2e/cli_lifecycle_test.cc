// The built velo binary on every storage driver: a branch keeps its port
// and password across stop/start and restart, `velo branch password`
// changes one branch's password only, and `velo status` tells the truth
// (running, stopped by the user, crashed, missing).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class CliLifecycleTest : public CliTest {
 protected:
  // Branch name -> status, from `velo status --json`.
  std::map<std::string, std::string> statuses() {
    nlohmann::json status = ok_json({"status"});
    std::map<std::string, std::string> out;
    if (!status.is_object() || !status["branches"].is_array()) {
      ADD_FAILURE() << "velo status --json: " << status.dump();
      return out;
    }
    for (const auto& b : status["branches"]) out[b["name"]] = b["status"];
    return out;
  }
  bool accepts(const pg::ConnParams& p) {
    auto conn = pg::Connection::open(p);
    if (!conn.ok()) return false;
    auto rows = conn->query("SELECT 1");
    return rows.ok();
  }
};

TEST_P(CliLifecycleTest, PortAndPasswordSurviveStopStartRestartAndRotateOnRequest) {
  create_project("demo");
  create_branch("demo/dev");
  auto rows = sql("demo/dev", "CREATE TABLE kept AS SELECT 7 AS x");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  const std::string url_before = url("demo/dev");
  const pg::ConnParams p = params("demo/dev");
  ASSERT_TRUE(accepts(p));
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"},
                                                            {"demo/dev", "running"}}));

  ok({"branch", "stop", "demo/dev"});
  EXPECT_EQ(show("demo/dev")["status"], "stopped");
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"},
                                                            {"demo/dev", "stopped"}}));
  EXPECT_NE(pg::ping(p), pg::PingStatus::Ok) << "a stopped branch still answers";
  // The text form says so too.
  CliResult text = ok({"status"});
  bool row_says_stopped = false;
  for (size_t pos = 0; (pos = text.out.find("demo/dev", pos)) != std::string::npos; ++pos) {
    auto eol = text.out.find('\n', pos);
    if (text.out.substr(pos, eol - pos).find("stopped") != std::string::npos)
      row_says_stopped = true;
  }
  EXPECT_TRUE(row_says_stopped) << text.out;
  // Stopping a stopped branch is not an error, and changes nothing.
  ok({"branch", "stop", "demo/dev"});
  EXPECT_EQ(url("demo/dev"), url_before);

  ok({"branch", "start", "demo/dev"});
  EXPECT_EQ(show("demo/dev")["status"], "running");
  EXPECT_EQ(url("demo/dev"), url_before);
  EXPECT_TRUE(accepts(p)) << "the old port and password work after a start";
  EXPECT_EQ(sql_value("demo/dev", "SELECT x FROM kept"), "7");

  ok({"branch", "restart", "demo/dev"});
  EXPECT_EQ(show("demo/dev")["status"], "running");
  EXPECT_EQ(url("demo/dev"), url_before);
  EXPECT_TRUE(accepts(p));

  // restart of a stopped branch starts it, on the same port.
  ok({"branch", "stop", "demo/dev"});
  ok({"branch", "restart", "demo/dev"});
  EXPECT_EQ(show("demo/dev")["status"], "running");
  EXPECT_TRUE(accepts(p));

  // `velo branch password`: a new password for this branch only.
  create_branch("demo/other");
  const pg::ConnParams old_dev = params("demo/dev");
  const pg::ConnParams main_params = params("demo/main");
  const pg::ConnParams other_params = params("demo/other");
  // Branches do not share a password with their parent or each other.
  EXPECT_NE(old_dev.password, main_params.password);
  EXPECT_NE(old_dev.password, other_params.password);

  CliResult rotated = ok({"branch", "password", "demo/dev"});
  EXPECT_EQ(rotated.out.find(old_dev.password), std::string::npos);
  const pg::ConnParams new_dev = params("demo/dev");
  EXPECT_NE(new_dev.password, old_dev.password);
  EXPECT_FALSE(new_dev.password.empty());
  EXPECT_EQ(new_dev.port, old_dev.port);
  EXPECT_EQ(new_dev.user, old_dev.user);
  // The new password never shows up in what velo prints besides `branch url`.
  EXPECT_EQ(rotated.out.find(new_dev.password), std::string::npos) << rotated.out;
  EXPECT_EQ(rotated.err.find(new_dev.password), std::string::npos) << rotated.err;

  EXPECT_FALSE(accepts(old_dev)) << "the old password still opens demo/dev";
  EXPECT_TRUE(accepts(new_dev));
  EXPECT_TRUE(accepts(main_params)) << "rotating dev changed main";
  EXPECT_TRUE(accepts(other_params)) << "rotating dev changed a sibling";
  EXPECT_EQ(params("demo/main").password, main_params.password);

  // It lasts across a stop and start.
  ok({"branch", "stop", "demo/dev"});
  ok({"branch", "start", "demo/dev"});
  EXPECT_EQ(params("demo/dev").password, new_dev.password);
  EXPECT_TRUE(accepts(new_dev));
  EXPECT_FALSE(accepts(old_dev));

  // A branch made from dev now opens with a password of its own, not dev's.
  create_branch("demo/child", "demo/dev");
  const pg::ConnParams child = params("demo/child");
  EXPECT_NE(child.password, new_dev.password);
  EXPECT_TRUE(accepts(child));
}

// An IPv4 address of this machine other than loopback, "" if it has none.
std::string non_loopback_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* entry = list; entry != nullptr && found.empty(); entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    if ((entry->ifa_flags & IFF_UP) == 0 || (entry->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN];
    auto* address = reinterpret_cast<sockaddr_in*>(entry->ifa_addr);
    if (::inet_ntop(AF_INET, &address->sin_addr, text, sizeof text) != nullptr) found = text;
  }
  ::freeifaddrs(list);
  return found;
}

// A branch answers on 127.0.0.1 only, unless created with --listen; the
// choice lasts across a restart and a reset, and a bad address is refused.
TEST_P(CliLifecycleTest, ListensOnLoopbackUnlessAskedOtherwise) {
  create_project("demo");
  create_branch("demo/local");
  ok({"branch", "create", "demo/open", "--listen", "0.0.0.0"});
  EXPECT_EQ(show("demo/local")["listen_address"], "127.0.0.1");
  EXPECT_EQ(show("demo/open")["listen_address"], "0.0.0.0");
  EXPECT_EQ(
      check_usage_error(velo().run({"branch", "create", "demo/bad", "--listen", "localhost:5"})),
      "");
  EXPECT_EQ(check_usage_error(velo().run({"branch", "show", "demo/bad"})), "")
      << "a refused create made the branch";

  const std::string outside = non_loopback_address();
  if (outside.empty()) GTEST_SKIP() << "this machine has no non-loopback IPv4 address to test from";
  auto reachable_from_outside = [&](const std::string& branch) {
    pg::ConnParams p = params(branch);
    p.host = outside;
    p.connect_timeout_s = 5;
    return accepts(p);
  };
  EXPECT_FALSE(reachable_from_outside("demo/local")) << "a default branch answers on " << outside;
  EXPECT_TRUE(reachable_from_outside("demo/open"))
      << "--listen 0.0.0.0 does not answer on " << outside;
  ok({"branch", "restart", "demo/open"});
  EXPECT_TRUE(reachable_from_outside("demo/open")) << "after a restart";
  ok({"branch", "reset", "demo/open"});
  EXPECT_TRUE(reachable_from_outside("demo/open")) << "after a reset";
  EXPECT_EQ(show("demo/open")["listen_address"], "0.0.0.0");
}

TEST_P(CliLifecycleTest, StatusTellsTheTruthAfterACrashAndALostDataDirectory) {
  create_project("demo");
  const std::string main_password = params("demo/main").password;
  // A server killed behind velo's back, as an OOM kill would leave it.
  // Done right after the create, so whatever velo did to the new server
  // last must have been durable.
  create_branch("demo/dev");
  kill_server("demo/dev");
  if (HasFatalFailure()) return;
  EXPECT_EQ(show("demo/dev")["status"], "crashed");
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"},
                                                            {"demo/dev", "crashed"}}));
  CliResult crashed = velo().run({"doctor"});
  EXPECT_NE(crashed.out.find("should be running"), std::string::npos) << crashed.describe();
  // It starts again, on its port, with the password `velo branch url` gives
  // (and not with its parent's).
  const std::string before = url("demo/dev");
  ok({"branch", "start", "demo/dev"});
  EXPECT_EQ(show("demo/dev")["status"], "running");
  EXPECT_EQ(url("demo/dev"), before);
  pg::ConnParams dev = params("demo/dev");
  EXPECT_TRUE(accepts(dev)) << "the password velo gives does not open the branch after a crash";
  pg::ConnParams with_parents = dev;
  with_parents.password = main_password;
  EXPECT_FALSE(accepts(with_parents)) << "the parent's password opens the branch after a crash";
  // The same right after `velo branch password`.
  ok({"branch", "password", "demo/dev"});
  kill_server("demo/dev");
  if (HasFatalFailure()) return;
  ok({"branch", "start", "demo/dev"});
  pg::ConnParams rotated = params("demo/dev");
  EXPECT_TRUE(accepts(rotated)) << "the rotated password was lost in a crash";
  EXPECT_FALSE(accepts(dev)) << "the password before the rotation is back after a crash";

  // A branch whose data directory was removed by hand is missing.
  create_branch("demo/gone");
  ok({"branch", "stop", "demo/gone"});
  const std::string dir = data_dir("demo/gone");
  ASSERT_FALSE(dir.empty());
  ASSERT_TRUE(path_exists(dir + "/PG_VERSION")) << dir;
  ASSERT_TRUE(remove_tree(dir).ok()) << dir;

  EXPECT_EQ(statuses(),
            (std::map<std::string, std::string>{
                {"demo/main", "running"}, {"demo/gone", "missing"}, {"demo/dev", "running"}}));
  EXPECT_EQ(show("demo/gone")["status"], "missing");
  // doctor names it and fails.
  CliResult doctor = velo().run({"doctor"});
  EXPECT_EQ(doctor.exit_code, 1) << doctor.describe();
  EXPECT_NE(doctor.out.find("demo/gone"), std::string::npos) << doctor.out;
  // Starting it is an honest failure, not a success.
  CliResult start = velo().run({"branch", "start", "demo/gone"});
  EXPECT_NE(start.exit_code, 0) << start.describe();
  EXPECT_EQ(start.err_lines().size(), 1u) << start.describe();
  EXPECT_EQ(show("demo/gone")["status"], "missing");

  // The record can still be deleted, and then nothing is left of it.
  ok({"branch", "delete", "demo/gone"});
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"},
                                                            {"demo/dev", "running"}}));
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  for (const auto& name : storage_names())
    EXPECT_EQ(name.find("demo.gone."), std::string::npos) << name;
  CliResult healthy = velo().run({"doctor"});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.describe();
}

// A branch made with --no-start holds its parent's password inside its
// data until velo sets the branch's own at its first start; the parent's
// password must never open it (it once did, for good).
// A power loss, as every postmaster killed at once: status says crashed
// (not stopped), doctor says what to run, and `velo start --all` brings
// back every branch that should run, on its port, with its data, and
// leaves the one the user stopped alone.
TEST_P(CliLifecycleTest, StartAllBringsBackWhatCrashedAndNotWhatTheUserStopped) {
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t AS SELECT 42 AS v").ok());
  create_branch("demo/a");
  create_branch("demo/b", "demo/a");
  create_branch("demo/off");
  ok({"branch", "stop", "demo/off"});
  const std::string a_url = url("demo/a");
  for (const char* name : {"demo/main", "demo/a", "demo/b"}) kill_server(name);
  if (HasFatalFailure()) return;
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "crashed"},
                                                            {"demo/a", "crashed"},
                                                            {"demo/b", "crashed"},
                                                            {"demo/off", "stopped"}}));
  CliResult doctor = velo().run({"doctor"});
  EXPECT_NE(doctor.out.find("velo start --all"), std::string::npos) << doctor.describe();

  nlohmann::json started = ok_json({"start", "--all"});
  std::map<std::string, std::string> results;
  for (const auto& o : started) results[o["branch"]] = o["result"];
  EXPECT_EQ(results, (std::map<std::string, std::string>{{"demo/main", "started"},
                                                         {"demo/a", "started"},
                                                         {"demo/b", "started"},
                                                         {"demo/off", "stopped"}}));
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"},
                                                            {"demo/a", "running"},
                                                            {"demo/b", "running"},
                                                            {"demo/off", "stopped"}}));
  EXPECT_EQ(url("demo/a"), a_url);
  for (const char* name : {"demo/main", "demo/a", "demo/b"}) {
    EXPECT_EQ(sql_value(name, "SELECT v FROM t"), "42") << name;
  }
  // Again: nothing to do, and a project of its own only.
  nlohmann::json again = ok_json({"start", "--all", "demo"});
  for (const auto& o : again) EXPECT_NE(o["result"], "started") << o.dump();
  EXPECT_EQ(check_usage_error(velo().run({"start"})), "");
  EXPECT_EQ(check_usage_error(velo().run({"start", "--all", "nope"})), "");
}

// Without a person: velo maintain (the timer's, every minute) starts
// what crashed again, and leaves what the user stopped.
TEST_P(CliLifecycleTest, MaintainStartsWhatCrashedAgain) {
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t AS SELECT 42 AS v").ok());
  create_branch("demo/dev");
  create_branch("demo/off");
  ok({"branch", "stop", "demo/off"});
  for (const char* name : {"demo/main", "demo/dev"}) kill_server(name);
  if (HasFatalFailure()) return;
  nlohmann::json done = ok_json({"maintain"});
  ASSERT_EQ(done["projects"].size(), 1u) << done.dump();
  EXPECT_EQ(done["projects"][0]["restarted"], (nlohmann::json{"demo/main", "demo/dev"}))
      << done.dump();
  EXPECT_EQ(statuses(),
            (std::map<std::string, std::string>{
                {"demo/main", "running"}, {"demo/dev", "running"}, {"demo/off", "stopped"}}));
  for (const char* name : {"demo/main", "demo/dev"}) {
    EXPECT_EQ(sql_value(name, "SELECT v FROM t"), "42") << name;
  }
  // Nothing crashed now: nothing to start.
  EXPECT_EQ(ok_json({"maintain"})["projects"][0]["restarted"], nlohmann::json::array());
}

TEST_P(CliLifecycleTest, BranchMadeWithoutStartNeverOpensWithItsParentsPassword) {
  create_project("demo");
  const std::string main_password = params("demo/main").password;
  auto opens_with_mains = [&](const std::string& branch) {
    pg::ConnParams p = params(branch);
    p.password = main_password;
    return accepts(p);
  };
  ok({"branch", "create", "demo/ns", "--no-start"});
  EXPECT_EQ(show("demo/ns")["status"], "stopped");
  EXPECT_NE(params("demo/ns").password, main_password);
  ok({"branch", "start", "demo/ns"});
  EXPECT_TRUE(accepts(params("demo/ns"))) << "the password velo gives does not open it";
  EXPECT_FALSE(opens_with_mains("demo/ns")) << "main's password opens a --no-start branch";
  ok({"branch", "restart", "demo/ns"});
  EXPECT_TRUE(accepts(params("demo/ns")));
  EXPECT_FALSE(opens_with_mains("demo/ns"));

  // A child of a branch never started is cloned from data holding main's
  // password; a reset of a branch never started replaces its data.
  ok({"branch", "create", "demo/idle", "--no-start"});
  ok({"branch", "create", "demo/kid", "--parent", "demo/idle"});
  EXPECT_TRUE(accepts(params("demo/kid")));
  EXPECT_FALSE(opens_with_mains("demo/kid"));
  ok({"branch", "reset", "demo/idle"});
  EXPECT_EQ(show("demo/idle")["status"], "stopped");
  ok({"branch", "start", "demo/idle"});
  EXPECT_TRUE(accepts(params("demo/idle")));
  EXPECT_FALSE(opens_with_mains("demo/idle"));
}

// A data directory whose postmaster.pid names another branch's live
// server: a clone before velo prepares it holds its parent's file, and
// after a reboot a stale file may name a pid that another postmaster has
// now. Stopping, inspecting, collecting or deleting that branch must never
// signal the other server (an interrupted create's cleanup once shut the
// parent down this way).
TEST_P(CliLifecycleTest, NeverSignalsAServerOfAnotherDataDirectory) {
  create_project("demo");
  create_branch("demo/dev");
  ok({"branch", "stop", "demo/dev"});
  const std::string main_dir = data_dir("demo/main");
  const std::string dev_dir = data_dir("demo/dev");
  ASSERT_FALSE(main_dir.empty());
  ASSERT_FALSE(dev_dir.empty());
  auto pid_file = read_file(main_dir + "/postmaster.pid");
  ASSERT_TRUE(pid_file.ok()) << pid_file.error().message;
  ASSERT_TRUE(write_file_atomic(dev_dir + "/postmaster.pid", *pid_file, 0600).ok());

  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"},
                                                            {"demo/dev", "stopped"}}));
  ok({"branch", "stop", "demo/dev"});
  ok({"gc"});
  EXPECT_TRUE(accepts(params("demo/main"))) << "demo/main stopped by demo/dev's stop or gc";
  ok({"branch", "delete", "demo/dev"});
  EXPECT_TRUE(accepts(params("demo/main"))) << "demo/main stopped by demo/dev's delete";
  EXPECT_EQ(statuses(), (std::map<std::string, std::string>{{"demo/main", "running"}}));
}

// Nothing here depends on the driver; copy, the slowest to clone, runs it
// under --long only.
VELO_CLI_INSTANTIATE_ON(CliLifecycleTest, std::string("btrfs"));
VELO_CLI_INSTANTIATE_ON_DOCKER(CliLifecycleTest);

}  // namespace
}  // namespace velo::e2e
