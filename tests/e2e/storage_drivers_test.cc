// Every storage driver on a real filesystem: volumes, snapshots, clones,
// isolation, space accounting, dependencies, listing, and the image pools
// that carry them. Skips a driver, with the reason, where it cannot run.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "storage/driver.h"
#include "storage/image_pool.h"
#include "support/temp_pool.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

namespace fs = std::filesystem;

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

// path -> "type mode content-or-target" for every entry under root.
std::map<std::string, std::string> snapshot_tree(const std::string& root) {
  std::map<std::string, std::string> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string path = it->path().string();
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    std::string value = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + " ";
    if (S_ISREG(st.st_mode)) value += read_file(path).ok() ? *read_file(path) : "<unreadable>";
    if (S_ISLNK(st.st_mode)) value += fs::read_symlink(path, ec).string();
    entries[path.substr(root.size())] = value;
  }
  return entries;
}

class StorageDriverTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string reason = pool_unavailable_reason(GetParam());
    if (!reason.empty()) GTEST_SKIP() << reason;
    auto pool = TempPool::create(GetParam());
    ASSERT_TRUE(pool.ok()) << pool.error().message;
    pool_ = std::move(*pool);
    auto driver = storage::make_driver(pool_->config(), pool_->runner());
    ASSERT_TRUE(driver.ok()) << driver.error().message;
    driver_ = std::move(*driver);
    ASSERT_TRUE(driver_->check().ok()) << driver_->check().error().message;
  }
  // Drivers first (they hold nothing), then the pool and its directory.
  void TearDown() override {
    driver_.reset();
    pool_.reset();
  }

  void write(const std::string& path, const std::string& content, mode_t mode = 0600) {
    ASSERT_TRUE(write_file_atomic(path, content, mode).ok()) << path;
  }

  std::unique_ptr<TempPool> pool_;
  std::unique_ptr<storage::Driver> driver_;
};

TEST_P(StorageDriverTest, SnapshotCloneIsolateAndDestroy) {
  storage::Driver& d = *driver_;
  EXPECT_EQ(d.name(), pool_->config().kind);
  ASSERT_TRUE(d.create_volume("p.main.1").ok());
  EXPECT_EQ(d.create_volume("p.main.1").error().kind, ErrorKind::Conflict);
  const std::string v1 = d.volume_path("p.main.1");
  ASSERT_TRUE(make_dirs(v1 + "/data/base/1", 0700).ok());
  ASSERT_TRUE(make_dirs(v1 + "/data/pg_wal", 0700).ok());
  const std::string big = random_bytes(1 << 20, 1);
  write(v1 + "/data/base/1/16384", big);
  write(v1 + "/data/PG_VERSION", "15\n", 0644);
  write(v1 + "/data/pg_wal/000000010000000000000001", "wal-1");
  ASSERT_EQ(symlink("base/1/16384", (v1 + "/data/rel").c_str()), 0);
  ASSERT_EQ(chown((v1 + "/data/PG_VERSION").c_str(), 123, 456), 0) << "needs root";
  const auto before = snapshot_tree(v1);

  ASSERT_TRUE(d.snapshot("p.main.1", "b1").ok());
  EXPECT_EQ(d.snapshot("p.main.1", "b1").error().kind, ErrorKind::Conflict);
  if (!d.atomic_snapshots()) {
    // What core does after pg_backup_stop: fresh WAL into the snapshot.
    write(v1 + "/data/pg_wal/000000010000000000000002", "wal-2");
    ASSERT_TRUE(d.recopy_into_snapshot("p.main.1", "b1", "data/pg_wal").ok());
    EXPECT_TRUE(
        path_exists(d.snapshot_path("p.main.1", "b1") + "/data/pg_wal/000000010000000000000002"));
    ASSERT_EQ(unlink((v1 + "/data/pg_wal/000000010000000000000002").c_str()), 0);
  }
  ASSERT_TRUE(d.clone("p.main.1", "b1", "p.dev.1").ok());
  EXPECT_EQ(d.clone("p.main.1", "b1", "p.dev.1").error().kind, ErrorKind::Conflict);
  EXPECT_EQ(d.clone("p.main.1", "nope", "p.x.1").error().kind, ErrorKind::NotFound);
  const std::string v2 = d.volume_path("p.dev.1");
  auto cloned = snapshot_tree(v2);
  cloned.erase("/data/pg_wal/000000010000000000000002");  // non-atomic drivers' recopy
  EXPECT_EQ(cloned, before);

  auto fresh_space = d.volume_space("p.dev.1");
  ASSERT_TRUE(fresh_space.ok()) << fresh_space.error().message;
  const uint64_t fresh = fresh_space->unique_bytes;
  std::cout << "[ measure  ] " << d.name() << ": fresh clone unique_bytes=" << fresh
            << " logical_bytes=" << fresh_space->logical_bytes << "\n";
  if (d.name() == "copy") {
    EXPECT_GE(fresh, 1u << 20);
  } else {
    EXPECT_LT(fresh, 1u << 20) << "a fresh copy-on-write clone should share its data";
  }
  if (d.name() != "zfs") {  // zfs counts compressed bytes; random data hardly compresses
    EXPECT_GE(fresh_space->logical_bytes, 1u << 20) << "the clone holds the snapshot's data";
  }

  // Writes on either side stay on that side.
  write(v2 + "/data/base/1/16384", random_bytes(2 << 20, 2));
  write(v1 + "/data/PG_VERSION", "16\n", 0644);
  EXPECT_EQ(*read_file(v1 + "/data/base/1/16384"), big);
  EXPECT_EQ(*read_file(v2 + "/data/PG_VERSION"), "15\n");
  sync();
  auto written_space = d.volume_space("p.dev.1");
  ASSERT_TRUE(written_space.ok()) << written_space.error().message;
  const uint64_t written = written_space->unique_bytes;
  std::cout << "[ measure  ] " << d.name() << ": clone after 2 MiB write unique_bytes=" << written
            << "\n";
  if (d.name() != "zfs") {
    EXPECT_GE(written, 2u << 20);  // zfs-fuse updates `used` only per txg
  }
  EXPECT_LT(written, 512u << 20);
  auto pool = d.pool_space();
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  EXPECT_GT(pool->size_bytes, 0u);
  EXPECT_LE(pool->free_bytes, pool->size_bytes);

  auto volumes = d.list_volumes();
  ASSERT_TRUE(volumes.ok());
  EXPECT_EQ(std::set<std::string>(volumes->begin(), volumes->end()),
            (std::set<std::string>{"p.main.1", "p.dev.1"}));
  EXPECT_EQ(*d.list_snapshots("p.main.1"), std::vector<std::string>{"b1"});
  EXPECT_TRUE(d.list_snapshots("p.dev.1")->empty());

  if (d.name() == "zfs") {
    EXPECT_EQ(d.destroy_volume("p.main.1").error().kind, ErrorKind::Conflict);
    EXPECT_EQ(d.destroy_snapshot("p.main.1", "b1").error().kind, ErrorKind::Conflict);
    EXPECT_TRUE(path_exists(v2 + "/data/PG_VERSION")) << "the refusal must not touch the clone";
  }
  Status destroyed = d.destroy_volume("p.dev.1");
  ASSERT_TRUE(destroyed.ok()) << destroyed.error().message;
  ASSERT_TRUE(d.destroy_volume("p.main.1").ok());
  EXPECT_EQ(d.destroy_volume("p.main.1").error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(d.list_volumes()->empty());
}

TEST_P(StorageDriverTest, SnapshotsAreFrozen) {
  storage::Driver& d = *driver_;
  ASSERT_TRUE(d.create_volume("q.main.1").ok());
  const std::string v = d.volume_path("q.main.1");
  write(v + "/f", "one");
  ASSERT_TRUE(d.snapshot("q.main.1", "s1").ok());
  write(v + "/f", "two");
  ASSERT_TRUE(d.snapshot("q.main.1", "s2").ok());
  ASSERT_TRUE(d.clone("q.main.1", "s1", "q.a.1").ok());
  ASSERT_TRUE(d.clone("q.main.1", "s2", "q.b.1").ok());
  EXPECT_EQ(*read_file(d.volume_path("q.a.1") + "/f"), "one");
  EXPECT_EQ(*read_file(d.volume_path("q.b.1") + "/f"), "two");
  ASSERT_TRUE(d.destroy_volume("q.a.1").ok());
  ASSERT_TRUE(d.destroy_snapshot("q.main.1", "s1").ok());
  EXPECT_EQ(*d.list_snapshots("q.main.1"), std::vector<std::string>{"s2"});
  EXPECT_EQ(d.destroy_snapshot("q.main.1", "s1").error().kind, ErrorKind::NotFound);
}

TEST_P(StorageDriverTest, ReattachKeepsData) {
  if (pool_->config().image_file.empty()) GTEST_SKIP() << "a plain directory has nothing to attach";
  storage::Driver& d = *driver_;
  ASSERT_TRUE(d.create_volume("r.main.1").ok());
  write(d.volume_path("r.main.1") + "/f", "kept");
  const auto& config = pool_->config();
  ProcessRunner& runner = pool_->runner();
  // What a reboot does: the pool is gone from the kernel, the file stays.
  Command detach;
  if (config.image_fs == "zfs") {
    detach.argv = {"zpool", "export", config.zfs_parent.substr(0, config.zfs_parent.find('/'))};
    ASSERT_TRUE(run_checked(runner, detach).ok());
  } else {
    detach.argv = {"umount", config.path};
    ASSERT_TRUE(run_checked(runner, detach).ok());
    Command loops;
    loops.argv = {"losetup", "-j", config.image_file};
    auto listed = run_checked(runner, loops);
    ASSERT_TRUE(listed.ok());
    std::string device = listed->out.substr(0, listed->out.find(':'));
    Command del;
    del.argv = {"losetup", "-d", device};
    ASSERT_TRUE(run_checked(runner, del).ok());
  }
  EXPECT_FALSE(path_exists(d.volume_path("r.main.1") + "/f"));
  ASSERT_TRUE(storage::attach_image_pool(config, runner).ok());
  ASSERT_TRUE(storage::attach_image_pool(config, runner).ok()) << "must be idempotent";
  EXPECT_EQ(*read_file(d.volume_path("r.main.1") + "/f"), "kept");
}

INSTANTIATE_TEST_SUITE_P(Pools, StorageDriverTest, ::testing::ValuesIn(pool_kinds()),
                         [](const auto& info) { return info.param; });

// `velo init --storage auto` on each filesystem (zfs is never auto-picked:
// it needs a parent dataset, not a directory).
TEST(StorageDetectTest, PicksTheBestDriverOfEachFilesystem) {
  int tested = 0;
  std::string skipped;
  for (const std::string fs : {"btrfs", "xfs", "copy"}) {
    std::string reason = pool_unavailable_reason(fs);
    if (!reason.empty()) {
      skipped += fs + ": " + reason + "; ";
      continue;
    }
    auto pool = TempPool::create(fs);
    ASSERT_TRUE(pool.ok()) << pool.error().message;
    EXPECT_EQ(storage::detect_best_driver((*pool)->config().path), (*pool)->config().kind) << fs;
    tested++;
  }
  if (!skipped.empty()) std::cout << "[ skipped  ] " << skipped << "\n";
  if (tested == 0) GTEST_SKIP() << skipped;
}

}  // namespace
}  // namespace velo::e2e
