// The zfs driver's command lines and its reading of zfs output, against a
// scripted runner (the real thing runs in tests/e2e/storage_drivers_test).
#include <gtest/gtest.h>

#include "storage/zfs_driver.h"
#include "support/fake_clock.h"
#include "support/fake_runner.h"

namespace velo::storage {
namespace {

using velo::testing::FakeRunner;

class ZfsDriverTest : public ::testing::Test {
 protected:
  FakeRunner runner;
  ZfsDriver driver{"tank/velo", "/tank/velo", runner};
};

TEST(ZfsOpenTest, ReadsParentMountpointOnce) {
  FakeRunner runner;
  runner.succeed({"zfs", "list"}, "tank\ntank/velo\n");
  runner.succeed({"zfs", "get", "-H", "-o", "value", "mountpoint"}, "/mnt/tank/velo/\n");
  auto driver = ZfsDriver::open("tank/velo", runner);
  ASSERT_TRUE(driver.ok()) << driver.error().message;
  EXPECT_EQ((*driver)->volume_path("a.main.1"), "/mnt/tank/velo/a.main.1");
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "zfs list -H -o name",
                                "zfs get -H -o value mountpoint tank/velo",
                            }));
}

TEST(ZfsOpenTest, LegacyMountpointIsUnavailable) {
  FakeRunner runner;
  runner.succeed({"zfs", "get"}, "legacy\n");
  auto driver = ZfsDriver::open("tank/velo", runner);
  ASSERT_FALSE(driver.ok());
  EXPECT_EQ(driver.error().kind, ErrorKind::Unavailable);
}

TEST(ZfsOpenTest, MissingParentIsNotFound) {
  FakeRunner runner;
  runner.fail({"zfs", "get"}, 1, "cannot open 'tank/nope': dataset does not exist\n");
  auto driver = ZfsDriver::open("tank/nope", runner);
  ASSERT_FALSE(driver.ok());
  EXPECT_EQ(driver.error().kind, ErrorKind::NotFound);
}

TEST(ZfsOpenTest, MissingToolIsUnavailable) {
  FakeRunner runner;
  runner.not_installed({"zfs"});
  auto driver = ZfsDriver::open("tank/velo", runner);
  ASSERT_FALSE(driver.ok());
  EXPECT_EQ(driver.error().kind, ErrorKind::Unavailable);
}

TEST(ZfsOpenTest, RejectsBadParent) {
  FakeRunner runner;
  EXPECT_FALSE(ZfsDriver::open("/tank", runner).ok());
  EXPECT_FALSE(ZfsDriver::open("", runner).ok());
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(ZfsDriverTest, CommandLines) {
  ASSERT_TRUE(driver.create_volume("a.main.1").ok());
  ASSERT_TRUE(driver.snapshot("a.main.1", "s1").ok());
  ASSERT_TRUE(driver.clone("a.main.1", "s1", "a.dev.1").ok());
  ASSERT_TRUE(driver.destroy_snapshot("a.main.1", "s1").ok());
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "zfs create -o compression=on tank/velo/a.main.1",
                                "zfs snapshot tank/velo/a.main.1@s1",
                                "zfs clone tank/velo/a.main.1@s1 tank/velo/a.dev.1",
                                "zfs destroy tank/velo/a.main.1@s1",
                            }));
  for (const auto& command : runner.commands()) EXPECT_FALSE(command.input.has_value());
}

TEST_F(ZfsDriverTest, BadNamesRunNothing) {
  EXPECT_EQ(driver.create_volume("../x").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(driver.create_volume("A").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(driver.snapshot("a", "s@t").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(driver.clone("a", "s", "x y").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(driver.destroy_volume("").error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(ZfsDriverTest, MapsStderrToKinds) {
  runner.fail({"zfs", "create"}, 1, "cannot create 'tank/velo/a': dataset already exists\n");
  runner.fail({"zfs", "clone"}, 1, "cannot open 'tank/velo/a@nos': dataset does not exist\n");
  runner.fail({"zfs", "destroy"}, 1,
              "cannot destroy 'tank/velo/a@s': snapshot has dependent clones\n"
              "use '-R' to destroy the following datasets:\ntank/velo/b\n");
  runner.fail({"zfs", "snapshot"}, 1, "internal error: out of memory\n");
  EXPECT_EQ(driver.create_volume("a").error().kind, ErrorKind::Conflict);
  EXPECT_EQ(driver.clone("a", "nos", "b").error().kind, ErrorKind::NotFound);
  Status destroyed = driver.destroy_snapshot("a", "s");
  EXPECT_EQ(destroyed.error().kind, ErrorKind::Conflict);
  EXPECT_NE(destroyed.error().message.find("dependent clones"), std::string::npos);
  EXPECT_EQ(driver.snapshot("a", "s").error().kind, ErrorKind::Io);
}

TEST_F(ZfsDriverTest, DestroyVolumeNeverTakesClonesAndNamesThem) {
  runner.fail({"zfs", "destroy"}, 1,
              "cannot destroy 'tank/velo/a': filesystem has dependent clones\n"
              "use '-R' to destroy the following datasets:\ntank/velo/b\ntank/velo/c\n");
  Status status = driver.destroy_volume("a");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Conflict);
  EXPECT_NE(status.error().message.find("dependent clones: tank/velo/b, tank/velo/c"),
            std::string::npos)
      << status.error().message;
  EXPECT_EQ(runner.lines(), std::vector<std::string>{"zfs destroy -r tank/velo/a"});
}

TEST_F(ZfsDriverTest, DestroyVolumeIsOneCommand) {
  ASSERT_TRUE(driver.destroy_volume("a").ok());
  EXPECT_EQ(runner.lines(), std::vector<std::string>{"zfs destroy -r tank/velo/a"});
}

TEST_F(ZfsDriverTest, DestroyMissingVolumeIsNotFound) {
  runner.fail({"zfs", "destroy"}, 1, "cannot open 'tank/velo/a': dataset does not exist\n");
  EXPECT_EQ(driver.destroy_volume("a").error().kind, ErrorKind::NotFound);
}

TEST(ZfsDestroyTest, OnZfsFuseUnmountsFirstAndRetriesSoon) {
  FakeRunner runner;
  velo::testing::FakeClock clock;
  ZfsDriver driver{"tank/velo", "/tank/velo", runner, clock, /*fuse=*/true};
  ExecResult busy{
      .exit_code = 1, .out = "", .err = "cannot destroy 'tank/velo/a': dataset is busy\n"};
  runner.on({"zfs", "destroy"}, busy);
  runner.on({"zfs", "destroy"}, busy);
  runner.on({"zfs", "destroy"}, ExecResult{});
  ASSERT_TRUE(driver.destroy_volume("a").ok());
  EXPECT_EQ(runner.lines().at(0), "zfs unmount tank/velo/a");
  EXPECT_EQ(runner.count("zfs destroy -r tank/velo/a"), 3);
  EXPECT_EQ(runner.count("zfs unmount tank/velo/a"), 3);
  EXPECT_EQ(clock.slept(), std::chrono::milliseconds(10 + 20));
}

TEST(ZfsDestroyTest, ARefusedDestroyMountsTheDatasetAgain) {
  FakeRunner runner;
  velo::testing::FakeClock clock;
  ZfsDriver driver{"tank/velo", "/tank/velo", runner, clock, /*fuse=*/true};
  runner.fail({"zfs", "destroy"}, 1,
              "cannot destroy 'tank/velo/a': filesystem has dependent clones\n"
              "use '-R' to destroy the following datasets:\ntank/velo/b\n");
  EXPECT_EQ(driver.destroy_volume("a").error().kind, ErrorKind::Conflict);
  EXPECT_EQ(runner.lines(),
            (std::vector<std::string>{"zfs unmount tank/velo/a", "zfs destroy -r tank/velo/a",
                                      "zfs mount tank/velo/a"}));
}

TEST(ZfsDestroyTest, StillBusyAfterFiveSecondsIsAnError) {
  FakeRunner runner;
  velo::testing::FakeClock clock;
  ZfsDriver driver{"tank/velo", "/tank/velo", runner, clock, /*fuse=*/true};
  runner.fail({"zfs", "destroy"}, 1, "cannot destroy 'tank/velo/a': dataset is busy\n");
  Status status = driver.destroy_volume("a");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Busy);
  EXPECT_GE(clock.slept(), std::chrono::seconds(5));
}

TEST_F(ZfsDriverTest, VolumeSpaceFromExactValues) {
  runner.succeed({"zfs", "get", "-Hp"},
                 "tank/velo/a\ttype\tfilesystem\n"
                 "tank/velo/a\treferenced\t900\n"
                 "tank/velo/a\tusedbydataset\t123456789\n"
                 "tank/velo/a\tusedbysnapshots\t4096\n"
                 "tank/velo/a\tcompression\ton\n");
  auto space = driver.volume_space("a");
  ASSERT_TRUE(space.ok());
  EXPECT_EQ(space->logical_bytes, 900u);  // no logicalreferenced (zfs-fuse)
  EXPECT_EQ(space->unique_bytes, 123456789u);
  EXPECT_EQ(space->snapshot_bytes, 4096u);
  EXPECT_EQ(runner.lines().back(), "zfs get -Hp -o name,property,value all tank/velo/a");
}

TEST_F(ZfsDriverTest, VolumeSpacePrefersLogicalReferenced) {
  runner.succeed({"zfs", "get", "-Hp"},
                 "tank/velo/a\treferenced\t900\ntank/velo/a\tlogicalreferenced\t2000\n"
                 "tank/velo/a\tusedbydataset\t1\ntank/velo/a\tusedbysnapshots\t0\n");
  EXPECT_EQ(driver.volume_space("a")->logical_bytes, 2000u);
}

TEST_F(ZfsDriverTest, VolumeSpaceRejectsHumanUnits) {
  runner.succeed({"zfs", "get", "-Hp"},
                 "tank/velo/a\treferenced\t1.2M\ntank/velo/a\tusedbydataset\t1\n"
                 "tank/velo/a\tusedbysnapshots\t0\n");
  EXPECT_EQ(driver.volume_space("a").error().kind, ErrorKind::Io);
}

TEST_F(ZfsDriverTest, PoolSpaceFromRootAndParent) {
  runner.succeed({"zfs", "get", "-Hp"},
                 "tank\tused\t300\ntank\tavailable\t700\n"
                 "tank/velo\tused\t200\ntank/velo\tavailable\t650\n");
  auto pool = driver.pool_space();
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->size_bytes, 1000u);
  EXPECT_EQ(pool->used_bytes, 300u);
  EXPECT_EQ(pool->free_bytes, 650u);
  EXPECT_EQ(runner.lines().back(),
            "zfs get -Hp -o name,property,value used,available tank tank/velo");
}

TEST_F(ZfsDriverTest, ListsVolumesAndSnapshots) {
  runner.succeed({"zfs", "list", "-H", "-o", "name", "-t", "filesystem"},
                 "tank/velo\ntank/velo/a.main.1\ntank/velo/a.dev.1\n");
  runner.succeed({"zfs", "list", "-H", "-o", "name", "-t", "snapshot"},
                 "tank/velo/a.main.1@s1\ntank/velo/a.main.1@s2\n");
  auto volumes = driver.list_volumes();
  ASSERT_TRUE(volumes.ok());
  EXPECT_EQ(*volumes, (std::vector<std::string>{"a.main.1", "a.dev.1"}));
  auto snapshots = driver.list_snapshots("a.main.1");
  ASSERT_TRUE(snapshots.ok());
  EXPECT_EQ(*snapshots, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(runner.lines(), (std::vector<std::string>{
                                "zfs list -H -o name -t filesystem -r -d 1 tank/velo",
                                "zfs list -H -o name -t snapshot -r -d 1 tank/velo/a.main.1",
                            }));
}

TEST_F(ZfsDriverTest, AtomicAndNoRecopy) {
  EXPECT_TRUE(driver.atomic_snapshots());
  EXPECT_EQ(driver.recopy_into_snapshot("a", "s", "pg_wal").error().kind, ErrorKind::Invalid);
}

TEST(EnsureZfsTest, AnsweringZfsNeedsNothing) {
  FakeRunner runner;
  ASSERT_TRUE(ensure_zfs_available(runner).ok());
  EXPECT_EQ(runner.lines(), std::vector<std::string>{"zfs list -H -o name"});
}

TEST(EnsureZfsTest, OtherFailuresAreReported) {
  FakeRunner runner;
  runner.fail({"zfs", "list"}, 1, "permission denied\n");
  Status status = ensure_zfs_available(runner);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("permission denied"), std::string::npos);
  EXPECT_EQ(runner.commands().size(), 1u);
}

TEST(SplitLinesTest, SkipsBlankAndTrims) {
  EXPECT_EQ(split_lines("a\n\n b \r\nc"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_lines("").empty());
}

}  // namespace
}  // namespace velo::storage
