// The built velo binary on every storage driver and real PostgreSQL:
// isolation between a branch, its parent and its siblings, and branches of
// branches; reset; delete with and without children.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

class CliBranchTest : public CliTest {
 protected:
  // The ids in table t on a branch, in order, as "1,2,3".
  std::string ids(const std::string& branch) {
    return sql_value(branch, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t");
  }
  void exec(const std::string& branch, const std::string& statement) {
    auto rows = sql(branch, statement);
    ASSERT_TRUE(rows.ok()) << branch << ": " << statement << ": " << rows.error().message;
  }
  bool has_table(const std::string& branch, const std::string& table) {
    return sql_value(branch, "SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'") ==
           "1";
  }
  std::string driver_name() const { return fs() == "xfs" ? "reflink" : fs(); }
};

TEST_P(CliBranchTest, WritesStayOnTheirBranchAndBranchesOfBranches) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY, v text)");
  exec("demo/main", "INSERT INTO t VALUES (1, 'before branching')");
  create_branch("demo/a");
  create_branch("demo/b");

  // Every branch is a complete server of its own, on its own port.
  nlohmann::json main = show("demo/main");
  nlohmann::json a = show("demo/a");
  nlohmann::json b = show("demo/b");
  EXPECT_EQ(a["name"], "demo/a");
  EXPECT_EQ(a["project"], "demo");
  EXPECT_EQ(a["branch"], "a");
  EXPECT_EQ(a["parent"], "demo/main");
  EXPECT_TRUE(main["parent"].is_null()) << main.dump();
  EXPECT_EQ(a["status"], "running");
  EXPECT_EQ(a["storage"], driver_name());
  EXPECT_TRUE(a["created_at"].is_string() && !a["created_at"].get<std::string>().empty())
      << a.dump();
  for (const char* size : {"logical_bytes", "unique_bytes", "snapshot_bytes", "archive_bytes"}) {
    EXPECT_TRUE(a[size].is_number()) << size << ": " << a.dump();
  }
  EXPECT_GT(a["logical_bytes"].get<uint64_t>(), 10u << 20) << "a cluster holds its WAL and catalog";
  std::set<int> ports{main["port"].get<int>(), a["port"].get<int>(), b["port"].get<int>()};
  EXPECT_EQ(ports.size(), 3u) << "ports must differ: " << main.dump() << a.dump() << b.dump();
  for (int port : ports) {
    EXPECT_GE(port, port_min());
    EXPECT_LE(port, port_max());
  }
  // The shown URL carries no password; `branch url` does, and they agree.
  std::string shown = a["url"];
  EXPECT_NE(shown.find(":" + std::to_string(a["port"].get<int>()) + "/"), std::string::npos)
      << shown;
  pg::ConnParams pa = params("demo/a");
  EXPECT_EQ(pa.port, a["port"].get<int>());
  EXPECT_FALSE(pa.password.empty());
  EXPECT_EQ(shown.find(pa.password), std::string::npos) << "password in branch show: " << shown;
  EXPECT_EQ(pa.host, "127.0.0.1");

  // A write on a branch: invisible to its parent and its sibling.
  exec("demo/a", "INSERT INTO t VALUES (2, 'on a')");
  exec("demo/a", "UPDATE t SET v = 'changed on a' WHERE id = 1");
  exec("demo/b", "CREATE TABLE only_b (x int)");
  EXPECT_EQ(ids("demo/a"), "1,2");
  EXPECT_EQ(ids("demo/main"), "1");
  EXPECT_EQ(ids("demo/b"), "1");
  EXPECT_EQ(sql_value("demo/main", "SELECT v FROM t WHERE id = 1"), "before branching");
  EXPECT_EQ(sql_value("demo/b", "SELECT v FROM t WHERE id = 1"), "before branching");
  EXPECT_TRUE(has_table("demo/b", "only_b"));
  EXPECT_FALSE(has_table("demo/main", "only_b"));
  EXPECT_FALSE(has_table("demo/a", "only_b"));

  // A write on the parent after branching: invisible to its branches.
  exec("demo/main", "INSERT INTO t VALUES (3, 'main after branching')");
  exec("demo/main", "DELETE FROM t WHERE id = 1");
  EXPECT_EQ(ids("demo/main"), "3");
  EXPECT_EQ(ids("demo/a"), "1,2");
  EXPECT_EQ(ids("demo/b"), "1");

  // A branch of a branch (--parent) starts from its parent's data at
  // creation, and after that nothing flows in either direction.
  create_branch("demo/feature", "demo/a");
  nlohmann::json feature = show("demo/feature");
  EXPECT_EQ(feature["parent"], "demo/a");
  EXPECT_EQ(feature["status"], "running");
  EXPECT_EQ(ids("demo/feature"), "1,2");
  EXPECT_EQ(sql_value("demo/feature", "SELECT v FROM t WHERE id = 1"), "changed on a");
  exec("demo/a", "INSERT INTO t VALUES (5)");
  exec("demo/feature", "INSERT INTO t VALUES (6)");
  exec("demo/main", "INSERT INTO t VALUES (7)");
  EXPECT_EQ(ids("demo/main"), "3,7");
  EXPECT_EQ(ids("demo/a"), "1,2,5");
  EXPECT_EQ(ids("demo/feature"), "1,2,6");
  EXPECT_EQ(ids("demo/b"), "1");

  // Three levels down.
  create_branch("demo/deeper", "demo/feature");
  EXPECT_EQ(ids("demo/deeper"), "1,2,6");
  EXPECT_EQ(show("demo/deeper")["parent"], "demo/feature");

  // A parent in another project is refused (it is not even known).
  EXPECT_EQ(check_usage_error(velo().run({"branch", "create", "demo/x", "--parent", "nope/main"})),
            "");

  nlohmann::json branches = ok_json({"branch", "list", "demo"});
  ASSERT_TRUE(branches.is_array());
  std::map<std::string, std::string> parents;
  for (const auto& b : branches) {
    parents[b["name"]] = b["parent"].is_null() ? "-" : b["parent"].get<std::string>();
  }
  EXPECT_EQ(parents, (std::map<std::string, std::string>{{"demo/main", "-"},
                                                         {"demo/a", "demo/main"},
                                                         {"demo/b", "demo/main"},
                                                         {"demo/feature", "demo/a"},
                                                         {"demo/deeper", "demo/feature"}}));
}

// A snapshot of a running parent takes a CHECKPOINT only when much WAL
// waits since its last one (core/history/snapshotter.cc): a branch of a
// parent that wrote little replays that WAL instead. Either way the
// branch holds every committed write.
TEST_P(CliBranchTest, ASnapshotCheckpointsOnlyWhenMuchWalWaits) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY, v text)");
  exec("demo/main", "CHECKPOINT");
  exec("demo/main", "INSERT INTO t VALUES (1, 'only in the WAL')");
  auto requested = [&] {
    return std::stoi(sql_value("demo/main", "SELECT checkpoints_req FROM pg_stat_bgwriter"));
  };
  // Per-file drivers snapshot through pg_backup_start, which always does.
  const bool atomic = fs() == "btrfs" || fs() == "zfs";
  int before = requested();
  create_branch("demo/a");
  EXPECT_EQ(requested() - before, atomic ? 0 : 1);
  EXPECT_EQ(ids("demo/a"), "1");

  // About 3 MiB of WAL: past the threshold.
  exec("demo/main",
       "INSERT INTO t SELECT g, repeat(md5(g::text), 32) FROM generate_series(2, 3000) AS g");
  before = requested();
  create_branch("demo/b");
  EXPECT_EQ(requested() - before, 1);
  EXPECT_EQ(sql_value("demo/b", "SELECT count(*) FROM t"), "3000");
  EXPECT_EQ(ids("demo/a"), "1");
}

TEST_P(CliBranchTest, ResetDropsBranchWritesAndTakesParentsNewDataKeepingUrl) {
  create_project("demo");
  exec("demo/main", "CREATE TABLE t (id int PRIMARY KEY)");
  exec("demo/main", "INSERT INTO t VALUES (1)");
  create_branch("demo/dev");
  create_branch("demo/sub", "demo/dev");
  exec("demo/dev", "INSERT INTO t VALUES (2)");
  exec("demo/dev", "CREATE TABLE dev_only (x int)");
  exec("demo/main", "INSERT INTO t VALUES (3)");
  const std::string url_before = url("demo/dev");
  const int port_before = show("demo/dev")["port"];
  const std::vector<std::string> storage_before = storage_names();

  ok({"branch", "reset", "demo/dev"});

  EXPECT_EQ(ids("demo/dev"), "1,3") << "the branch's writes go, the parent's new rows come";
  EXPECT_FALSE(has_table("demo/dev", "dev_only"));
  EXPECT_EQ(url("demo/dev"), url_before) << "port and password survive a reset";
  nlohmann::json dev = show("demo/dev");
  EXPECT_EQ(dev["port"], port_before);
  EXPECT_EQ(dev["status"], "running");
  EXPECT_EQ(dev["parent"], "demo/main");
  EXPECT_EQ(ids("demo/main"), "1,3") << "a reset leaves the parent alone";
  // A child of the reset branch keeps what it was made from.
  EXPECT_EQ(ids("demo/sub"), "1");
  EXPECT_EQ(show("demo/sub")["status"], "running");

  // Reset again: the same in effect, still the same URL.
  exec("demo/dev", "INSERT INTO t VALUES (4)");
  ok({"branch", "reset", "demo/dev"});
  EXPECT_EQ(ids("demo/dev"), "1,3");
  EXPECT_EQ(url("demo/dev"), url_before);

  // Once the child is gone, the old incarnations of dev and their base
  // snapshots are gone too: as many volumes and snapshots as before less
  // sub's (its volume, its WAL archive's volume and its base snapshot),
  // nothing orphaned or retired.
  ok({"branch", "delete", "demo/sub"});
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  // (main's snapshots, the released bases among them, stay as its
  // retention window's history: velo maintain prunes them.)
  std::vector<std::string> storage_after = without_main_history(storage_names());
  EXPECT_EQ(storage_after.size() + 3, without_main_history(storage_before).size())
      << "before: " << testing::PrintToString(storage_before)
      << "\nafter: " << testing::PrintToString(storage_after);

  // A root branch has no parent to reset to.
  std::string main_url = url("demo/main");
  CliResult reset_main = velo().run({"branch", "reset", "demo/main"});
  EXPECT_EQ(check_usage_error(reset_main), "");
  EXPECT_EQ(ids("demo/main"), "1,3");
  EXPECT_EQ(url("demo/main"), main_url);
}

TEST_P(CliBranchTest, DeleteRefusesChildrenUnlessForcedAndLeavesNothing) {
  create_project("demo");
  const std::vector<std::string> storage_with_main = storage_names();
  create_branch("demo/a");
  create_branch("demo/child", "demo/a");
  create_branch("demo/grandchild", "demo/child");
  create_branch("demo/b");
  const int port_a = show("demo/a")["port"];
  const int port_child = show("demo/child")["port"];
  const nlohmann::json before = list();
  const std::vector<std::string> storage_before = storage_names();

  // Children: refused, one line, nothing changed.
  CliResult refused = velo().run({"branch", "delete", "demo/a"});
  EXPECT_EQ(check_usage_error(refused), "");
  EXPECT_NE(refused.err.find("demo/child"), std::string::npos) << refused.err;
  CliResult refused_child = velo().run({"branch", "delete", "demo/child"});
  EXPECT_EQ(check_usage_error(refused_child), "");
  // The root: refused.
  CliResult refused_main = velo().run({"branch", "delete", "demo/main"});
  EXPECT_EQ(check_usage_error(refused_main), "");
  CliResult refused_main_force = velo().run({"branch", "delete", "demo/main", "--force"});
  EXPECT_EQ(check_usage_error(refused_main_force), "");
  EXPECT_EQ(list(), before);
  EXPECT_EQ(storage_names(), storage_before);
  EXPECT_EQ(show("demo/a")["status"], "running");
  EXPECT_EQ(show("demo/main")["status"], "running");

  // --force takes the whole subtree, and only it.
  ok({"branch", "delete", "demo/a", "--force"});
  nlohmann::json after = list();
  std::vector<std::string> names;
  for (const auto& b : after) names.push_back(b["name"]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"demo/b", "demo/main"}));
  for (const char* gone : {"demo/a", "demo/child", "demo/grandchild"}) {
    EXPECT_EQ(check_usage_error(velo().run({"branch", "show", gone})), "") << gone;
  }
  // Their servers are gone too.
  for (int port : {port_a, port_child}) {
    pg::ConnParams p;
    p.port = port;
    p.connect_timeout_s = 2;
    EXPECT_EQ(pg::ping(p), pg::PingStatus::NoResponse) << "port " << port << " still answers";
  }
  EXPECT_EQ(show("demo/b")["status"], "running");
  EXPECT_EQ(sql_value("demo/b", "SELECT 42"), "42");
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  // Left: main, b, their WAL archives' volumes, and the snapshot of main
  // that b was cloned from. (main's snapshots stay as its retention
  // window's history.)
  std::vector<std::string> storage = storage_names();
  EXPECT_EQ(without_main_history(storage).size(),
            without_main_history(storage_with_main).size() + 2)
      << testing::PrintToString(storage);
  for (const auto& name : storage) {
    EXPECT_EQ(name.find("demo.a."), std::string::npos) << name;
    EXPECT_EQ(name.find("demo.child."), std::string::npos) << name;
    EXPECT_EQ(name.find("demo.grandchild."), std::string::npos) << name;
  }
  if (fs() == "zfs") {
    std::vector<std::string> zfs = zfs_names();
    int datasets = 0, snapshots = 0;
    for (const auto& n : zfs) (n.find('@') == std::string::npos ? datasets : snapshots)++;
    EXPECT_EQ(datasets, 4) << testing::PrintToString(zfs);  // main, b and their archives
    EXPECT_GE(snapshots, 1) << testing::PrintToString(zfs);
  }

  // A leaf goes without --force, with its base snapshot.
  ok({"branch", "delete", "demo/b"});
  EXPECT_EQ(without_main_history(storage_names()), without_main_history(storage_with_main));
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  if (fs() == "zfs") {
    size_t datasets = 0;
    for (const auto& n : zfs_names()) datasets += n.find('@') == std::string::npos ? 1 : 0;
    EXPECT_EQ(datasets, 2u) << testing::PrintToString(zfs_names());  // main and its archive
  }
  // Deleting what is gone: exit 2.
  EXPECT_EQ(check_usage_error(velo().run({"branch", "delete", "demo/b"})), "");

  // And the whole project: nothing at all remains.
  ok({"project", "delete", "demo", "--force"});
  EXPECT_EQ(storage_names(), std::vector<std::string>{});
  EXPECT_EQ(live_servers(), std::vector<std::string>{});
  if (fs() == "zfs") {
    EXPECT_EQ(zfs_names(), std::vector<std::string>{});
  }
}

VELO_CLI_INSTANTIATE(CliBranchTest);
VELO_CLI_INSTANTIATE_ON_DOCKER(CliBranchTest);

}  // namespace
}  // namespace velo::e2e
