// Concurrent velo processes and failures midway, on every storage driver:
// two creates at once lose nothing; two creates of the same name make one
// branch; a create that fails (no free port, a server that will not start)
// leaves no state row, volume, snapshot or server behind.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <set>

#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class CliConcurrencyTest : public CliTest {
 protected:
  void TearDown() override {
    for (int fd : listeners_) ::close(fd);
    listeners_.clear();
    CliTest::TearDown();
  }

  // Runs the argument lists as separate velo processes at the same time.
  std::vector<CliResult> run_together(const std::vector<std::vector<std::string>>& commands) {
    std::vector<std::future<CliResult>> running;
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    for (const auto& args : commands) {
      running.push_back(std::async(std::launch::async, [this, args, start] {
        VeloCli cli(velo());  // its own runner, the same home and environment
        start.wait();
        return cli.run(args);
      }));
    }
    go.set_value();
    std::vector<CliResult> results;
    for (auto& r : running) results.push_back(r.get());
    return results;
  }

  // Everything a failed command must leave as it was.
  // Listens on 127.0.0.1:port; false if the port is taken.
  bool occupy(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 1) != 0) {
      ::close(fd);
      return false;
    }
    listeners_.push_back(fd);
    return true;
  }

  std::vector<int> listeners_;
};

TEST_P(CliConcurrencyTest, ConcurrentCreatesLoseNothing) {
  create_project("demo");
  auto results =
      run_together({{"branch", "create", "demo/left"}, {"branch", "create", "demo/right"}});
  for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.describe();

  nlohmann::json branches = list();
  ASSERT_TRUE(branches.is_array());
  std::map<std::string, int> ports;
  for (const auto& b : branches) {
    ports[b["name"]] = b["port"];
    EXPECT_EQ(b["status"], "running") << b.dump();
  }
  ASSERT_EQ(ports.size(), 3u) << branches.dump(2);
  ASSERT_TRUE(ports.count("demo/left") && ports.count("demo/right")) << branches.dump(2);
  std::set<int> distinct;
  for (const auto& [name, port] : ports) distinct.insert(port);
  EXPECT_EQ(distinct.size(), 3u) << branches.dump(2);
  // Each really is its own server: a write on one is not on the other.
  ASSERT_TRUE(sql("demo/left", "CREATE TABLE only_left (x int)").ok());
  EXPECT_EQ(sql_value("demo/right", "SELECT count(*) FROM pg_tables WHERE tablename = 'only_left'"),
            "0");
  EXPECT_EQ(sql_value("demo/left", "SELECT count(*) FROM pg_tables WHERE tablename = 'only_left'"),
            "1");

  // Two creates of the same name: one branch, and the loser told so.
  const std::vector<std::string> storage_before = storage_names();
  results = run_together({{"branch", "create", "demo/same"}, {"branch", "create", "demo/same"}});
  int succeeded = 0;
  for (const auto& r : results) {
    if (r.exit_code == 0) {
      ++succeeded;
    } else {
      EXPECT_EQ(check_usage_error(r), "") << "the loser must be told it exists";
      EXPECT_NE(r.err.find("demo/same"), std::string::npos) << r.err;
    }
  }
  EXPECT_EQ(succeeded, 1) << results[0].describe() << "\n" << results[1].describe();

  branches = list();
  int count = 0;
  for (const auto& b : branches) count += b["name"] == "demo/same";
  EXPECT_EQ(count, 1) << branches.dump(2);
  EXPECT_EQ(show("demo/same")["status"], "running");
  EXPECT_EQ(sql_value("demo/same", "SELECT 1"), "1");
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  // One volume, its WAL archive's volume and one base snapshot more, not two.
  EXPECT_EQ(storage_names().size(), storage_before.size() + 3)
      << testing::PrintToString(storage_names());
  EXPECT_EQ(live_servers().size(), 4u);
}

TEST_P(CliConcurrencyTest, FailedCreatesLeaveNothing) {
  create_project("demo");
  const int main_port = show("demo/main")["port"];
  // Every port of the range but main's is taken by someone else.
  for (int port = port_min(); port <= port_max(); ++port) {
    if (port == main_port) continue;
    ASSERT_TRUE(occupy(port)) << "port " << port << " is in use";
  }
  const nlohmann::json before = observable();

  CliResult r = velo().run({"branch", "create", "demo/dev"});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_EQ(r.err_lines().size(), 1u) << r.describe();
  EXPECT_EQ(r.err.rfind("velo: error: ", 0), 0u) << r.describe();
  EXPECT_NE(r.err.find("port"), std::string::npos) << "the message should say why: " << r.err;
  EXPECT_EQ(observable(), before);
  EXPECT_EQ(orphans(), std::vector<std::string>{});

  // With one port free again, the same command works.
  ::close(listeners_.back());
  listeners_.pop_back();
  create_branch("demo/dev");
  EXPECT_EQ(show("demo/dev")["port"], port_max());
  for (int fd : listeners_) ::close(fd);
  listeners_.clear();

  // A server that cannot start: everything made before is undone.
  const std::string main_dir = data_dir("demo/main");
  ASSERT_FALSE(main_dir.empty());
  const std::string auto_conf = main_dir + "/postgresql.auto.conf";
  auto original = read_file(auto_conf);
  ASSERT_TRUE(original.ok()) << auto_conf;
  const nlohmann::json before_broken = observable();
  const std::vector<std::string> zfs_before =
      fs() == "zfs" ? zfs_names() : std::vector<std::string>{};

  // A setting postgres rejects at start-up, as a user's ALTER SYSTEM typo
  // could leave it: main runs on (it is not reloaded), but a clone of main
  // cannot start. The file is appended to in place: owner and mode stay.
  {
    std::ofstream out(auto_conf, std::ios::app);
    out << "velo_e2e_no_such_setting = 'on'\n";
    ASSERT_TRUE(out.good());
  }
  for (const char* name : {"demo/broken", "demo/broken"}) {
    // An environment failure: exit 1, a message that starts like every
    // velo error and names the branch (the server's log lines may follow).
    CliResult failed = velo().run({"branch", "create", name});
    EXPECT_EQ(failed.exit_code, 1) << failed.describe();
    EXPECT_EQ(failed.err.rfind("velo: error: ", 0), 0u) << failed.describe();
    EXPECT_NE(failed.err_lines().at(0).find("demo/broken"), std::string::npos) << failed.describe();
    EXPECT_EQ(observable(), before_broken);
    EXPECT_EQ(orphans(), std::vector<std::string>{});
    if (fs() == "zfs") {
      EXPECT_EQ(zfs_names(), zfs_before);
    }
  }
  // What was there before is untouched.
  EXPECT_EQ(show("demo/dev")["status"], "running");
  EXPECT_EQ(sql_value("demo/main", "SELECT 1"), "1");

  // Repaired, the same name can be created: nothing was left in its way.
  {
    std::ofstream out(auto_conf, std::ios::trunc);
    out << *original;
    ASSERT_TRUE(out.good());
  }
  create_branch("demo/broken");
  EXPECT_EQ(show("demo/broken")["status"], "running");
  EXPECT_EQ(orphans(), std::vector<std::string>{});
}

VELO_CLI_INSTANTIATE_ON(CliConcurrencyTest, std::string("copy"), std::string("zfs"));
VELO_CLI_INSTANTIATE_ON_DOCKER(CliConcurrencyTest);

}  // namespace
}  // namespace velo::e2e
