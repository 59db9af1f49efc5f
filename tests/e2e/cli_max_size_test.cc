// Branch caps on real pools: `velo branch create --max-size` with the
// filesystem's own quota (zfs quota, btrfs qgroups, XFS project quotas).
// A capped branch that writes past its cap gets PostgreSQL's disk-full
// errors while main and a sibling keep taking writes; a reset keeps the
// cap; the copy driver, which has no quotas, refuses it and changes
// nothing. A pool that cannot enforce quotas (XFS without kernel quota
// support, zfs-fuse) skips, with why, after checking that velo refused
// the cap and changed nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

constexpr uint64_t kCap = uint64_t{64} << 20;
const char* const kCapText = "64M";

// A write cut short at the cap has no errno to quote: PostgreSQL says
// "wrote only 4096 of 8192 bytes" with the hint "Check free disk space."
// (its SQLSTATE is 53100, disk full, which velo's message does not carry).
bool says_disk_full(const std::string& text) {
  return text.find("Disk quota exceeded") != std::string::npos ||
         text.find("No space left on device") != std::string::npos ||
         text.find("Check free disk space") != std::string::npos ||
         text.find("53100") != std::string::npos;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliMaxSizeTest : public CliTest {
 protected:
  // Makes demo/capped with --max-size, enabling btrfs quotas first as a
  // user would after velo's refusal. Skips where the kernel cannot
  // enforce a cap (XFS without CONFIG_XFS_QUOTA).
  void create_capped() {
    std::vector<std::string> args = {"branch", "create", "demo/capped", "--max-size", kCapText};
    nlohmann::json before = observable();
    CliResult r = velo().run(args);
    if (r.exit_code == 2 && fs() == "btrfs" &&
        r.err.find("btrfs quota enable") != std::string::npos) {
      EXPECT_EQ(observable(), before) << "a refused --max-size changed something";
      Command enable;
      enable.argv = {"btrfs", "quota", "enable", pool().config().path};
      auto enabled = run_checked(pool().runner(), enable);
      ASSERT_TRUE(enabled.ok()) << enabled.error().message;
      r = velo().run(args);
    }
    if (r.exit_code == 2 && fs() == "xfs" && r.err.find("prjquota") != std::string::npos) {
      EXPECT_EQ(observable(), before) << "a refused --max-size changed something";
      GTEST_SKIP() << "XFS here cannot enforce project quotas: " << r.err;
    }
    if (r.exit_code == 2 && fs() == "zfs" && r.err.find("zfs-fuse") != std::string::npos) {
      EXPECT_EQ(observable(), before) << "a refused --max-size changed something";
      GTEST_SKIP() << "zfs here is zfs-fuse, which velo does not cap: " << r.err;
    }
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // Writes ~13 MB tables into the branch until a statement fails (at most
  // 40, far past the cap); the failure, or "" if every write succeeded.
  std::string fill(const std::string& branch) {
    for (int i = 0; i < 40; i++) {
      auto done = sql(branch, "CREATE TABLE fill_" + std::to_string(i) +
                                  " AS SELECT md5(random()::text) || md5(random()::text) AS v "
                                  "FROM generate_series(1, 150000)");
      if (!done.ok()) return done.error().message;
    }
    return "";
  }

  // The failure said the disk is full, or (when the server hit the cap
  // writing WAL, which PostgreSQL answers with a PANIC) its log says so.
  void expect_disk_full(const std::string& branch, const std::string& failure) {
    ASSERT_FALSE(failure.empty()) << branch << " wrote past its cap without an error";
    if (says_disk_full(failure)) return;
    std::string log = show(branch).value("log", "");
    EXPECT_TRUE(says_disk_full(read_all(log)))
        << branch << " failed, but not for a full disk: " << failure << "\nlog " << log;
  }
};

TEST_P(CliMaxSizeTest, ACappedBranchFillsUpAloneAndKeepsItsCapOnReset) {
  if (fs() == "copy") GTEST_SKIP() << "the copy driver has no quotas (see CliMaxSizeRefusalTest)";
  create_project("demo");
  ASSERT_TRUE(sql("demo/main", "CREATE TABLE t (id int)").ok());
  create_branch("demo/sibling");
  create_capped();
  if (IsSkipped() || HasFatalFailure()) return;

  nlohmann::json shown = show("demo/capped");
  EXPECT_EQ(shown["max_size_bytes"], kCap) << shown.dump();
  EXPECT_TRUE(show("demo/main")["max_size_bytes"].is_null());
  CliResult text = ok({"branch", "show", "demo/capped"});
  EXPECT_NE(text.out.find("max size 64"), std::string::npos) << text.out;

  expect_disk_full("demo/capped", fill("demo/capped"));
  // Main and the sibling never noticed: both take writes and checkpoint.
  for (const std::string branch : {"demo/main", "demo/sibling"}) {
    auto wrote = sql(branch, "INSERT INTO t SELECT generate_series(1, 10000)");
    EXPECT_TRUE(wrote.ok()) << branch << ": " << wrote.error().message;
    auto checkpoint = sql(branch, "CHECKPOINT");
    EXPECT_TRUE(checkpoint.ok()) << branch << ": " << checkpoint.error().message;
  }

  // A reset gives the branch a new volume, capped as the old one was.
  ok({"branch", "reset", "demo/capped", "--yes"});
  shown = show("demo/capped");
  EXPECT_EQ(shown["max_size_bytes"], kCap);
  // A server that stopped on the full disk (a WAL write failing is a
  // PANIC) is not running, and a reset keeps a stopped branch stopped.
  if (shown["status"] != "running") ok({"branch", "start", "demo/capped"});
  EXPECT_EQ(sql_value("demo/capped", "SELECT count(*) FROM pg_tables WHERE tablename = 'fill_0'"),
            "0");
  expect_disk_full("demo/capped", fill("demo/capped"));
  auto wrote = sql("demo/main", "INSERT INTO t VALUES (0)");
  EXPECT_TRUE(wrote.ok()) << wrote.error().message;
}

// The copy driver, which has no quotas; and bad sizes, which no driver
// sees.
class CliMaxSizeRefusalTest : public CliTest {};

TEST_P(CliMaxSizeRefusalTest, RefusedWithoutQuotas) {
  if (fs() != "copy") GTEST_SKIP() << fs() << " has quotas (see CliMaxSizeTest)";
  create_project("demo");
  nlohmann::json before = observable();
  CliResult refused = velo().run({"branch", "create", "demo/b", "--max-size", "1G"});
  EXPECT_EQ(check_usage_error(refused), "");
  EXPECT_NE(refused.err.find("zfs, btrfs or XFS"), std::string::npos) << refused.describe();
  refused = velo().run({"project", "set", "demo", "--max-size", "1G"});
  EXPECT_EQ(check_usage_error(refused), "");
  for (const char* bad : {"12Q", "1M", "-1G", ""}) {
    CliResult r = velo().run({"branch", "create", "demo/b", "--max-size", bad});
    EXPECT_EQ(check_usage_error(r), "") << bad;
  }
  CliResult r = velo().run({"project", "set", "demo", "--max-size", "lots"});
  EXPECT_EQ(check_usage_error(r), "");
  EXPECT_EQ(observable(), before);
  EXPECT_TRUE(show("demo/main")["max_size_bytes"].is_null());
}

VELO_CLI_INSTANTIATE_ON(CliMaxSizeTest, "zfs", "btrfs", "xfs");
VELO_CLI_INSTANTIATE_ON(CliMaxSizeRefusalTest, "copy");

}  // namespace
}  // namespace velo::e2e
