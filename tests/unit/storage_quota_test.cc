// Branch caps (--max-size) per driver: the command lines each runs against
// a scripted runner, how each says quotas are missing, and the XFS pieces
// (mount lookup, project IDs). The real enforcement runs in
// tests/e2e/cli_max_size_test.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "storage/btrfs_driver.h"
#include "storage/copy_driver.h"
#include "storage/reflink_driver.h"
#include "storage/xfs_quota.h"
#include "storage/zfs_driver.h"
#include "support/fake_runner.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

using velo::testing::FakeRunner;

class QuotaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/velo-quota-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root = tmpl;
  }
  void TearDown() override { (void)remove_tree(root); }

  std::string root;
  FakeRunner runner;
};

TEST_F(QuotaTest, ZfsSetsQuotaNotRefquota) {
  ZfsDriver driver("tank/velo", "/tank/velo", runner);
  EXPECT_TRUE(driver.size_limits_supported().ok());
  ASSERT_TRUE(driver.set_size_limit("p.b.3", uint64_t{64} << 20).ok());
  ASSERT_TRUE(driver.set_size_limit("p.b.3", std::nullopt).ok());
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "zfs set quota=67108864 tank/velo/p.b.3",
                                "zfs set quota=none tank/velo/p.b.3",
                            }));
  EXPECT_EQ(driver.set_size_limit("../x", 1).error().kind, ErrorKind::Invalid);
}

TEST_F(QuotaTest, ZfsFuseRefusesCaps) {
  ZfsDriver driver("tank/velo", "/tank/velo", runner, real_clock(), /*fuse=*/true);
  Status status = driver.size_limits_supported();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(status.error().message.find("OpenZFS"), std::string::npos) << status.error().message;
}

TEST_F(QuotaTest, ZfsMissingDatasetIsNotFound) {
  ZfsDriver driver("tank/velo", "/tank/velo", runner);
  runner.fail({"zfs", "set"}, 1, "cannot open 'tank/velo/x': dataset does not exist\n");
  EXPECT_EQ(driver.set_size_limit("x", 1).error().kind, ErrorKind::NotFound);
}

TEST_F(QuotaTest, BtrfsLimitsExclusiveBytesOfTheSubvolume) {
  BtrfsDriver driver(root, runner);
  ASSERT_TRUE(make_dirs(root + "/volumes/p.b.3", 0755).ok());
  ASSERT_TRUE(driver.set_size_limit("p.b.3", uint64_t{512} << 20).ok());
  ASSERT_TRUE(driver.set_size_limit("p.b.3", std::nullopt).ok());
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "btrfs qgroup limit -e 536870912 " + root + "/volumes/p.b.3",
                                "btrfs qgroup limit -e none " + root + "/volumes/p.b.3",
                            }));
  EXPECT_EQ(driver.set_size_limit("gone", 1).error().kind, ErrorKind::NotFound);
}

TEST_F(QuotaTest, BtrfsWithoutQuotasSaysHowToEnableThem) {
  BtrfsDriver driver(root, runner);
  runner.fail({"btrfs", "qgroup", "show"}, 1, "ERROR: can't list qgroups: quotas not enabled\n");
  Status status = driver.size_limits_supported();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(status.error().message.find("btrfs quota enable " + root), std::string::npos)
      << status.error().message;
  EXPECT_EQ(runner.lines().back(), "btrfs qgroup show -f --raw " + root);
}

TEST_F(QuotaTest, BtrfsWithQuotasIsSupported) {
  BtrfsDriver driver(root, runner);
  runner.succeed({"btrfs", "qgroup", "show"}, "qgroupid rfer excl\n0/5 16384 16384\n");
  EXPECT_TRUE(driver.size_limits_supported().ok());
}

TEST_F(QuotaTest, CopyRefusesAndNamesTheDriversThatCan) {
  CopyDriver driver(root);
  Status status = driver.size_limits_supported();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(status.error().message.find("zfs, btrfs or XFS"), std::string::npos);
  EXPECT_EQ(driver.set_size_limit("v", 1).error().kind, ErrorKind::Unavailable);
}

TEST_F(QuotaTest, ReflinkOutsideXfsIsUnavailable) {
  // The test's temporary directory is not on XFS with prjquota (or the
  // kernel has no XFS quotas): the driver says so and runs nothing.
  auto mounts = read_file("/proc/self/mounts");
  ASSERT_TRUE(mounts.ok());
  auto mount = mount_holding(*mounts, root);
  if (mount && mount->fstype == "xfs") GTEST_SKIP() << root << " is on XFS";
  ReflinkDriver driver(root, runner);
  ASSERT_TRUE(make_dirs(root + "/volumes/v", 0755).ok());
  Status status = driver.set_size_limit("v", 1 << 20);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(status.error().message.find("not XFS"), std::string::npos) << status.error().message;
  EXPECT_TRUE(runner.commands().empty());
}

TEST(XfsQuotaTest, MountHoldingPicksTheLongestPrefix) {
  const std::string mounts =
      "/dev/vda / ext4 rw,relatime 0 0\n"
      "/dev/loop3 /var/tmp/pool xfs rw,relatime,prjquota 0 0\n"
      "/dev/loop4 /var/tmp/pool2 xfs rw,noquota 0 0\n"
      "/dev/loop5 /mnt/with\\040space btrfs rw 0 0\n";
  auto mount = mount_holding(mounts, "/var/tmp/pool/volumes/v");
  ASSERT_TRUE(mount);
  EXPECT_EQ(mount->point, "/var/tmp/pool");
  EXPECT_EQ(mount->fstype, "xfs");
  EXPECT_EQ(mount_holding(mounts, "/var/tmp/pool2")->point, "/var/tmp/pool2");
  EXPECT_EQ(mount_holding(mounts, "/var/tmp/pool22")->point, "/");  // not a prefix by name
  EXPECT_EQ(mount_holding(mounts, "/mnt/with space/x")->fstype, "btrfs");
  EXPECT_FALSE(mount_holding("", "/x"));
}

TEST(XfsQuotaTest, ProjectQuotasNeedXfsAndPrjquota) {
  EXPECT_TRUE(check_project_quotas(MountEntry{"/p", "xfs", "rw,prjquota"}, "/p").ok());
  Status off = check_project_quotas(MountEntry{"/p", "xfs", "rw,noquota"}, "/p");
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(off.error().message.find("-o prjquota"), std::string::npos);
  Status ext4 = check_project_quotas(MountEntry{"/", "ext4", "rw"}, "/srv/velo");
  ASSERT_FALSE(ext4.ok());
  EXPECT_NE(ext4.error().message.find("ext4, not XFS"), std::string::npos);
  EXPECT_FALSE(check_project_quotas(std::nullopt, "/srv/velo").ok());
}

TEST(XfsQuotaTest, ProjectIdsAreStableAndSkipTakenOnes) {
  uint32_t id = pick_project_id("p.b.7", {});
  EXPECT_EQ(id, pick_project_id("p.b.7", {}));
  EXPECT_GE(id, 1u);
  EXPECT_LE(id, 0x7fffffffu);
  EXPECT_NE(id, pick_project_id("p.b.8", {}));
  uint32_t next = pick_project_id("p.b.7", {id});
  EXPECT_NE(next, id);
  EXPECT_NE(pick_project_id("p.b.7", {id, next}), next);
}

TEST(XfsQuotaTest, CommandLines) {
  FakeRunner runner;
  XfsProjectQuota quota("/var/tmp/pool", runner);
  ASSERT_TRUE(quota.limit("/var/tmp/pool/volumes/p.b.3", 42, 67108864).ok());
  ASSERT_TRUE(quota.unlimit(42).ok());
  ASSERT_EQ(runner.commands().size(), 3u);
  EXPECT_EQ(
      runner.commands()[0].argv,
      (std::vector<std::string>{"xfs_quota", "-x", "-c",
                                "project -s -p /var/tmp/pool/volumes/p.b.3 42", "/var/tmp/pool"}));
  EXPECT_EQ(runner.commands()[1].argv,
            (std::vector<std::string>{"xfs_quota", "-x", "-c", "limit -p bhard=67108864 42",
                                      "/var/tmp/pool"}));
  EXPECT_EQ(
      runner.commands()[2].argv,
      (std::vector<std::string>{"xfs_quota", "-x", "-c", "limit -p bhard=0 42", "/var/tmp/pool"}));
}

TEST(XfsQuotaTest, StderrIsAFailureEvenWithExitZero) {
  FakeRunner runner;
  runner.on({"xfs_quota"},
            ExecResult{0, "", "xfs_quota: cannot setup path for mount /p: No such device\n"});
  XfsProjectQuota quota("/p", runner);
  Status status = quota.limit("/p/volumes/v", 7, 1024);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("cannot setup path"), std::string::npos);
  EXPECT_EQ(runner.commands().size(), 1u);  // no limit without the project
  EXPECT_EQ(quota.limit("/p/with space", 7, 1024).error().kind, ErrorKind::Invalid);
}

}  // namespace
}  // namespace velo::storage
