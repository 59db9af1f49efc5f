// Image pools against a scripted runner: the command sequence, and that a
// failure midway undoes what came before. The real pools are made in
// tests/e2e/storage_drivers_test.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/image_pool.h"
#include "support/fake_runner.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

using velo::testing::FakeRunner;

TEST(ParseSizeTest, UnitsArePowersOf1024) {
  EXPECT_EQ(*parse_size("8G"), 8ull << 30);
  EXPECT_EQ(*parse_size("8g"), 8ull << 30);
  EXPECT_EQ(*parse_size("512M"), 512ull << 20);
  EXPECT_EQ(*parse_size("64K"), 64ull << 10);
  EXPECT_EQ(*parse_size("2T"), 2ull << 40);
  EXPECT_EQ(*parse_size("8GiB"), 8ull << 30);
  EXPECT_EQ(*parse_size("8GB"), 8ull << 30);
  EXPECT_EQ(*parse_size("4096"), 4096u);
}

TEST(ParseSizeTest, RejectsBadInput) {
  for (const char* bad : {"", "G", "0", "0G", "1.5G", "8X", "-1G", " 8G", "8G ", "8GG",
                          "99999999999999999999", "17179869184T"}) {
    auto size = parse_size(bad);
    EXPECT_FALSE(size.ok()) << "'" << bad << "'";
    if (!size.ok()) {
      EXPECT_EQ(size.error().kind, ErrorKind::Invalid);
    }
  }
}

TEST(ImagePoolNameTest, StableAndDistinct) {
  std::string a = image_pool_name("/var/lib/velo/pool.img");
  EXPECT_EQ(a, image_pool_name("/var/lib/velo/./pool.img"));
  EXPECT_NE(a, image_pool_name("/var/lib/velo/pool2.img"));
  ASSERT_EQ(a.size(), 12u);
  EXPECT_EQ(a.substr(0, 4), "velo");
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 4), std::string::npos);
}

class ImagePoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/velo-pool-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    spec.image_file = dir + "/pool.img";
    spec.mountpoint = dir + "/mnt";
    spec.size_bytes = 1ull << 30;
  }
  void TearDown() override { (void)remove_tree(dir); }

  std::string dir;
  ImagePoolSpec spec;
  FakeRunner runner;
};

TEST_F(ImagePoolTest, RejectsBadSpecBeforeDoingAnything) {
  spec.fs = "ext4";
  EXPECT_EQ(create_image_pool(spec, runner).error().kind, ErrorKind::Invalid);
  spec.fs = "xfs";
  spec.size_bytes = 100ull << 20;
  EXPECT_EQ(create_image_pool(spec, runner).error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(runner.commands().empty());
  EXPECT_FALSE(path_exists(spec.image_file));
}

TEST_F(ImagePoolTest, XfsCommandsAndConfig) {
  spec.fs = "xfs";
  runner.succeed({"losetup", "--find"}, "/dev/loop7\n");
  auto config = create_image_pool(spec, runner);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->kind, "reflink");
  EXPECT_EQ(config->path, spec.mountpoint);
  EXPECT_EQ(config->image_file, spec.image_file);
  EXPECT_EQ(config->image_fs, "xfs");
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "losetup --find --show " + spec.image_file,
                                "mkfs.xfs -q -m reflink=1 /dev/loop7",
                                "mount -o prjquota /dev/loop7 " + spec.mountpoint,
                            }));
  struct stat st;
  ASSERT_EQ(stat(spec.image_file.c_str(), &st), 0);
  EXPECT_EQ(uint64_t(st.st_size), spec.size_bytes);
  EXPECT_LT(uint64_t(st.st_blocks) * 512, 1u << 20);  // sparse
}

// A kernel without XFS quotas refuses prjquota: the pool is mounted
// without it (caps are then refused, with the reason), at create and at
// every attach.
TEST_F(ImagePoolTest, XfsWithoutQuotaSupportMountsPlainly) {
  spec.fs = "xfs";
  runner.succeed({"losetup", "--find"}, "/dev/loop7\n");
  runner.fail({"mount", "-o", "prjquota"}, 32, "mount: wrong fs type, bad option\n");
  ASSERT_TRUE(create_image_pool(spec, runner).ok());
  EXPECT_EQ(runner.count("mount -o prjquota /dev/loop7"), 1);
  EXPECT_EQ(runner.lines().back(), "mount /dev/loop7 " + spec.mountpoint);
}

TEST_F(ImagePoolTest, XfsAttachAsksForProjectQuotas) {
  DriverConfig config{"reflink", "", dir + "/mnt", spec.image_file, "xfs"};
  ASSERT_TRUE(write_file_atomic(spec.image_file, "", 0600).ok());
  runner.succeed({"losetup", "-j"}, "/dev/loop3: [65024]:42 (" + spec.image_file + ")\n");
  ASSERT_TRUE(attach_image_pool(config, runner).ok());
  EXPECT_EQ(runner.lines().back(), "mount -o prjquota /dev/loop3 " + dir + "/mnt");
}

TEST_F(ImagePoolTest, FailedMkfsUndoesLoopFileAndMountpoint) {
  spec.fs = "btrfs";
  runner.succeed({"losetup", "--find"}, "/dev/loop7\n");
  runner.fail({"mkfs.btrfs"}, 1, "ERROR: device busy\n");
  auto config = create_image_pool(spec, runner);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(runner.lines().back(), "losetup -d /dev/loop7");
  EXPECT_FALSE(path_exists(spec.image_file));
  EXPECT_FALSE(path_exists(spec.mountpoint));
}

TEST_F(ImagePoolTest, KeepsAFileItDidNotMake) {
  spec.fs = "btrfs";
  ASSERT_TRUE(write_file_atomic(spec.image_file, "", 0600).ok());
  runner.fail({"losetup"}, 1, "losetup: cannot find an unused loop device\n");
  ASSERT_FALSE(create_image_pool(spec, runner).ok());
  EXPECT_TRUE(path_exists(spec.image_file));
}

TEST_F(ImagePoolTest, RefusesNonEmptyImageFile) {
  spec.fs = "btrfs";
  ASSERT_TRUE(write_file_atomic(spec.image_file, "precious", 0600).ok());
  EXPECT_EQ(create_image_pool(spec, runner).error().kind, ErrorKind::Conflict);
  EXPECT_EQ(*read_file(spec.image_file), "precious");
}

TEST_F(ImagePoolTest, ZfsCommandsAndRollback) {
  spec.fs = "zfs";
  const std::string pool = image_pool_name(spec.image_file);
  runner.fail({"zpool", "list"}, 1, "cannot open '" + pool + "': no such pool\n");
  runner.fail({"zfs", "create"}, 1, "cannot create: out of space\n");
  ASSERT_FALSE(create_image_pool(spec, runner).ok());
  EXPECT_EQ(runner.lines(),
            (std::vector<std::string>{
                "zfs list -H -o name",
                "zpool list -H -o name " + pool,
                "zpool create -f -m " + spec.mountpoint + " " + pool + " " + spec.image_file,
                "zfs create -o compression=on " + pool + "/velo",
                "zpool destroy -f " + pool,
            }));
  EXPECT_FALSE(path_exists(spec.image_file));
}

TEST_F(ImagePoolTest, ZfsConfig) {
  spec.fs = "zfs";
  runner.fail({"zpool", "list"}, 1, "no such pool\n");
  auto config = create_image_pool(spec, runner);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->kind, "zfs");
  EXPECT_EQ(config->zfs_parent, image_pool_name(spec.image_file) + "/velo");
  EXPECT_EQ(config->image_fs, "zfs");
}

TEST_F(ImagePoolTest, AttachImportsMissingZpool) {
  DriverConfig config{"zfs", "velo1234abcd/velo", dir + "/mnt", spec.image_file, "zfs"};
  ASSERT_TRUE(write_file_atomic(spec.image_file, "", 0600).ok());
  runner.fail({"zpool", "list"}, 1, "no such pool\n");
  ASSERT_TRUE(attach_image_pool(config, runner).ok());
  EXPECT_EQ(runner.lines().back(), "zpool import -d " + dir + " velo1234abcd");
}

TEST_F(ImagePoolTest, AttachReusesLoopDevice) {
  DriverConfig config{"btrfs", "", dir + "/mnt", spec.image_file, "btrfs"};
  ASSERT_TRUE(write_file_atomic(spec.image_file, "", 0600).ok());
  runner.succeed({"losetup", "-j"}, "/dev/loop3: [65024]:42 (" + spec.image_file + ")\n");
  ASSERT_TRUE(attach_image_pool(config, runner).ok());
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "losetup -j " + spec.image_file,
                                "mount -o compress=zstd /dev/loop3 " + dir + "/mnt",
                            }));
  EXPECT_TRUE(attach_image_pool(DriverConfig{"copy", "", dir}, runner).ok());
}

TEST_F(ImagePoolTest, DestroyDetachesAndRemoves) {
  DriverConfig config{"btrfs", "", dir + "/mnt", spec.image_file, "btrfs"};
  ASSERT_TRUE(write_file_atomic(spec.image_file, "", 0600).ok());
  ASSERT_TRUE(make_dirs(config.path, 0755).ok());
  runner.succeed({"losetup", "-j"}, "/dev/loop3: [65024]:42 (" + spec.image_file + ")\n");
  ASSERT_TRUE(destroy_image_pool(config, runner).ok());
  EXPECT_EQ(runner.lines().back(), "losetup -d /dev/loop3");
  EXPECT_FALSE(path_exists(spec.image_file));
  EXPECT_FALSE(path_exists(config.path));
}

// Checked against an oracle that needs no mount table: a directory on
// another device than its parent is a mountpoint. "/" is not assumed to be
// one: in a chroot it is not.
TEST(MountpointTest, AgreesWithDeviceNumbersAndRefusesPlainDirectories) {
  int checked = 0;
  for (const std::string path : {"/proc", "/sys", "/dev", "/run", "/tmp"}) {
    struct stat self {};
    struct stat parent {};
    if (::stat(path.c_str(), &self) != 0 || ::stat((path + "/..").c_str(), &parent) != 0) continue;
    if (self.st_dev == parent.st_dev) continue;  // not one, or a bind mount: no oracle
    EXPECT_TRUE(is_mountpoint(path)) << path << " is on its own device";
    ++checked;
  }
  char dir[] = "/tmp/velo-mountpoint-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  EXPECT_FALSE(is_mountpoint(dir));
  ::rmdir(dir);
  EXPECT_FALSE(is_mountpoint("/definitely/not/here"));
  if (checked == 0) GTEST_SKIP() << "no directory here is on a device of its own to compare with";
}

}  // namespace
}  // namespace velo::storage
