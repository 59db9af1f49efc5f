// Disk you can see: the sizes velo reports add up and mean what the README
// says (a branch's unique_bytes is what deleting it frees), and the reserve
// refuses work that takes space on a nearly full pool, leaving nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

class CliSpaceTest : public CliTest {
 protected:
  nlohmann::json pool_json() {
    nlohmann::json status = ok_json({"status", "--fresh"});
    return status["pool"];
  }
  uint64_t pool_free() { return pool_json()["free_bytes"].get<uint64_t>(); }

  // What the filesystem's data takes. btrfs: the "Data" line of `btrfs
  // filesystem df`, because its free figure also moves by whole chunks and
  // metadata reservations; elsewhere, what is not free.
  uint64_t data_used() {
    if (fs() != "btrfs") {
      nlohmann::json pool = pool_json();
      return pool["size_bytes"].get<uint64_t>() - pool["free_bytes"].get<uint64_t>();
    }
    Command command;
    command.argv = {"btrfs", "filesystem", "df", "-b", this->pool().config().path};
    auto result = RealProcessRunner().run(command);
    EXPECT_TRUE(result.ok() && result->exit_code == 0);
    if (!result.ok()) return 0;
    // "Data, single: total=461373440, used=115867648"
    const std::string& out = result->out;
    size_t line = out.find("Data,");
    size_t used = out.find("used=", line);
    EXPECT_NE(used, std::string::npos) << out;
    return used == std::string::npos ? 0 : std::stoull(out.substr(used + 5));
  }

  // data_used() once the filesystem has finished freeing (btrfs and zfs
  // free a deleted volume's extents in the background): btrfs is asked to
  // finish its deletions, then the figure is polled until it has stood
  // still for three seconds.
  uint64_t settled_used() {
    if (fs() == "btrfs") {
      for (const char* verb : {"subvolume", "filesystem"}) {
        Command command;
        command.argv = {"btrfs", verb, "sync", this->pool().config().path};
        (void)RealProcessRunner().run(command);
      }
    }
    uint64_t last = data_used();
    int still = 0;
    for (int i = 0; i < 60 && still < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      ::sync();
      uint64_t now = data_used();
      still = now == last ? still + 1 : 0;
      last = now;
    }
    return last;
  }

  // Grows the filler file until the pool has about 2 % free, under the
  // default reserve of 5 %: a running server's checkpoint may have freed
  // WAL since the last call.
  void fill_to_two_percent(const std::string& filler) {
    nlohmann::json pool = pool_json();
    const uint64_t size = pool["size_bytes"].get<uint64_t>();
    const uint64_t free = pool["free_bytes"].get<uint64_t>();
    if (free > size / 50) {
      ASSERT_NO_FATAL_FAILURE(fill_file(filler, free - size / 50));
    }
  }

  // Takes `bytes` of the pool with a file: fallocate where the filesystem
  // has it, else (zfs-fuse) random bytes, which compression cannot shrink.
  static void fill_file(const std::string& path, uint64_t bytes) {
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    struct stat st {};
    ASSERT_EQ(::fstat(fd, &st), 0);
    if (::fallocate(fd, 0, st.st_size, static_cast<off_t>(bytes)) != 0) {
      ASSERT_TRUE(errno == EOPNOTSUPP || errno == ENOSYS) << std::strerror(errno);
      std::vector<uint64_t> block((1u << 20) / sizeof(uint64_t));
      uint64_t state = 0x9E3779B97F4A7C15ull;
      for (uint64_t done = 0; done < bytes; done += block.size() * sizeof(uint64_t)) {
        for (auto& word : block) {  // xorshift64: fast, incompressible enough
          state ^= state << 13;
          state ^= state >> 7;
          state ^= state << 17;
          word = state;
        }
        ASSERT_EQ(::write(fd, block.data(), block.size() * sizeof(uint64_t)),
                  static_cast<ssize_t>(block.size() * sizeof(uint64_t)));
      }
    }
    ::fsync(fd);
    ::close(fd);
    ::sync();
  }

  // ~32 MiB of random bytes in a table: neither TOAST nor the filesystem
  // can compress it, so what it takes on disk is what it holds.
  void write_incompressible(const std::string& branch) {
    ASSERT_TRUE(sql(branch,
                    "CREATE TABLE big AS SELECT i, (SELECT string_agg(decode(md5(random()::text "
                    "|| i || j), 'hex'), ''::bytea) FROM generate_series(1, 256) j) AS blob "
                    "FROM generate_series(1, 8000) i")
                    .ok());
    ASSERT_TRUE(sql(branch, "CHECKPOINT").ok());
  }
};

TEST_P(CliSpaceTest, SizesAddUpAndUniqueBytesIsWhatDeleteFrees) {
  create_project("sp");
  ok({"branch", "create", "sp/big", "--no-archive"});
  write_incompressible("sp/big");
  ok({"branch", "stop", "sp/big"});
  // main's archive gets a segment of its own.
  ASSERT_TRUE(sql("sp/main", "CREATE TABLE t AS SELECT 1 AS x").ok());
  ASSERT_TRUE(sql("sp/main", "SELECT pg_switch_wal()").ok());
  for (int i = 0; i < 30 && ok_json({"wal", "status", "sp/main"})["files"] == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // What the delete below is compared with: freed space only, settled.
  const uint64_t before = settled_used();

  nlohmann::json big = show("sp/big");
  const uint64_t unique = big["unique_bytes"].get<uint64_t>();
  EXPECT_GE(unique, 32u << 20) << big.dump();
  EXPECT_GE(big["logical_bytes"].get<uint64_t>(), unique) << big.dump();
  EXPECT_EQ(big["archive_bytes"], 0) << "--no-archive archives nothing: " << big.dump();
  EXPECT_TRUE(big["space_measured_at"].is_string()) << big.dump();

  // The project's figures are its branches' and snapshots' and archives'.
  nlohmann::json project = ok_json({"project", "show", "sp"});
  const nlohmann::json& space = project["space"];
  uint64_t branches_unique = 0;
  for (const auto& b : project["branches"]) branches_unique += b["unique_bytes"].get<uint64_t>();
  EXPECT_EQ(space["unique_bytes"].get<uint64_t>(), branches_unique) << project.dump();
  EXPECT_EQ(space["total_bytes"].get<uint64_t>(), space["unique_bytes"].get<uint64_t>() +
                                                      space["snapshot_bytes"].get<uint64_t>() +
                                                      space["archive_bytes"].get<uint64_t>())
      << project.dump();
  EXPECT_GT(space["archive_bytes"].get<uint64_t>(), 0u) << "main archives its WAL";
  const nlohmann::json& pool = project["pool"];
  EXPECT_LE(pool["free_bytes"].get<uint64_t>(), pool["size_bytes"].get<uint64_t>());
  EXPECT_LE(pool["used_bytes"].get<uint64_t>(), pool["size_bytes"].get<uint64_t>());

  ok({"branch", "delete", "sp/big"});
  const uint64_t after = settled_used();
  ASSERT_LT(after, before);
  const double freed = static_cast<double>(before - after);
  std::cout << "[ measure  ] " << fs() << ": unique_bytes=" << unique << " freed=" << before - after
            << "\n";
  if (fs() == "btrfs") {
    // `btrfs filesystem du` counts the referenced part of exclusive
    // extents; a delete frees whole extents, also the parts PostgreSQL's
    // page writes left unreferenced. Without quota groups the figure is a
    // floor (README, Disk).
    EXPECT_GE(freed, 0.9 * static_cast<double>(unique))
        << "unique_bytes " << unique << " against " << before - after << " freed by the delete";
  } else {
    EXPECT_LE(std::fabs(freed - static_cast<double>(unique)), 0.10 * static_cast<double>(unique))
        << "unique_bytes " << unique << " against " << before - after << " freed by the delete";
  }
}

TEST_P(CliSpaceTest, ReserveRefusesWorkOnANearlyFullPoolAndChangesNothing) {
  create_project("rs");
  ok({"branch", "create", "rs/dev"});
  nlohmann::json pool = pool_json();
  const uint64_t size = pool["size_bytes"].get<uint64_t>();
  const uint64_t free = pool["free_bytes"].get<uint64_t>();
  ASSERT_GT(free, size / 10) << "a fresh pool is not nearly full";
  const std::string filler = this->pool().config().path + "/filler";
  ASSERT_NO_FATAL_FAILURE(fill_to_two_percent(filler));

  const nlohmann::json before = observable();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"branch", "create", "rs/more"},
        std::vector<std::string>{"branch", "reset", "rs/dev", "--yes"},
        std::vector<std::string>{"snapshot", "create", "rs/main"}}) {
    ASSERT_NO_FATAL_FAILURE(fill_to_two_percent(filler));
    CliResult r = velo().run(args);
    EXPECT_EQ(check_usage_error(r), "");
    EXPECT_NE(r.err.find("reserve"), std::string::npos) << r.describe();
  }
  EXPECT_EQ(observable(), before);

  bool warned = false;
  for (const auto& f : ok_json({"doctor"})) {
    if (f["check"] == "pool") warned = f["status"] == "warn";
  }
  EXPECT_TRUE(warned) << "doctor warns about a pool below its reserve";

  ASSERT_EQ(::unlink(filler.c_str()), 0);
  // zfs frees the file's blocks in the background.
  for (int i = 0; i < 60 && pool_free() < size / 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ok({"branch", "create", "rs/more"});
}

// The pool fills while a command runs, after its reserve check passed:
// main holds more dirty pages than the pool has room for, and on a
// copy-on-write pool (zfs, btrfs) the CHECKPOINT that branch create asks
// for must write them to new blocks, so it fails (or main PANICs). The
// command says the pool is full, not what the server printed, and leaves
// nothing; once the space is back, the next command brings main back (if
// it went down) and works.
class CliDiskFullTest : public CliSpaceTest {
 protected:
  // Small, so that the reserve (5 %) is smaller than main's dirty pages.
  uint64_t pool_bytes() const override { return 512ull << 20; }
};

TEST_P(CliDiskFullTest, APoolThatFillsMidwayFailsCleanlyAndMainComesBack) {
  if (fs() == "copy") GTEST_SKIP() << "copy's pool is the host's /tmp, which this test would fill";
  // Measured: there the create succeeds, as it should.
  if (fs() == "xfs") {
    GTEST_SKIP() << "XFS writes data pages in place: their space was taken when the INSERT "
                    "extended the table, so the CHECKPOINT needs no room and cannot fill the pool";
  }
  create_project("df");
  // ~64 MiB of incompressible rows in main's shared buffers, written to
  // the WAL but not to the data files: INSERT, unlike CREATE TABLE AS,
  // uses no ring, and the CHECKPOINT first puts off the timed one.
  ASSERT_TRUE(
      sql("df/main", "CREATE TABLE t (i int, blob bytea) WITH (autovacuum_enabled = off)").ok());
  ASSERT_TRUE(sql("df/main", "CHECKPOINT").ok());
  ASSERT_TRUE(
      sql("df/main",
          "INSERT INTO t SELECT i, (SELECT string_agg(decode(md5(random()::text || i || j), "
          "'hex'), ''::bytea) FROM generate_series(1, 112) j) "
          "FROM generate_series(1, 36000) i")
          .ok());
  // The archiver copies that WAL into the pool too: done before the fill.
  const std::string last = sql_value("df/main", "SELECT pg_walfile_name(pg_switch_wal())");
  std::string archived;
  for (int i = 0; i < 120 && archived < last; ++i) {
    archived = sql_value("df/main", "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
    if (archived < last) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_GE(archived, last) << "main's WAL was not archived in 30 s";

  // Room for the reserve check, not for the checkpoint: the reserve (or
  // what a checkpoint needs, if more) and 6 MiB.
  nlohmann::json pool = pool_json();
  const uint64_t size = pool["size_bytes"].get<uint64_t>();
  const uint64_t room = std::max<uint64_t>(size / 100 * 5, 17ull << 20) + (6ull << 20);
  const std::string filler = this->pool().config().path + "/filler";
  const uint64_t free = pool["free_bytes"].get<uint64_t>();
  ASSERT_GT(free, room + (64ull << 20)) << pool.dump();
  ASSERT_NO_FATAL_FAILURE(fill_file(filler, free - room));
  const nlohmann::json before = observable();

  CliResult r = velo().run({"branch", "create", "df/x"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("velo: error: cannot create branch df/x: the pool ran out of space"),
            std::string::npos)
      << r.describe();
  for (const char* server_talk :
       {"PANIC", "server closed", "checkpoint request failed", "WARNING", "recovery mode"}) {
    EXPECT_EQ(r.err.find(server_talk), std::string::npos) << server_talk << ": " << r.describe();
  }
  const std::string main_after = show("df/main")["status"];
  std::cout << "[ measure  ] " << fs() << ": main is " << main_after
            << " after the failed create\n";
  EXPECT_TRUE(main_after == "running" || main_after == "recovering" || main_after == "crashed")
      << main_after;
  // Still full: refused before anything, with the free space named.
  CliResult refused = velo().run({"snapshot", "create", "df/main"});
  EXPECT_EQ(check_usage_error(refused), "");
  EXPECT_NE(refused.err.find("free"), std::string::npos) << refused.describe();

  ASSERT_EQ(::unlink(filler.c_str()), 0);
  for (int i = 0; i < 60 && pool_free() < size / 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // A main in crash recovery gets there by itself, or gives up: wait.
  std::string main_now = show("df/main")["status"];
  for (int i = 0; i < 120 && main_now == "recovering"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    main_now = show("df/main")["status"];
  }
  CliResult created = ok({"branch", "create", "df/x"});
  if (main_now == "crashed") {
    EXPECT_NE(created.err.find("df/main started again after a crash"), std::string::npos)
        << created.describe();
  }
  EXPECT_EQ(show("df/main")["status"], "running");
  EXPECT_EQ(sql_value("df/main", "SELECT count(*) FROM t"), "36000");
  EXPECT_EQ(sql_value("df/x", "SELECT count(*) FROM t"), "36000");
  ok({"branch", "delete", "df/x"});
  EXPECT_EQ(observable(), before) << "the failed create left something, or main is not back";
  EXPECT_EQ(orphans(), std::vector<std::string>{});
}

VELO_CLI_INSTANTIATE_ON(CliDiskFullTest, "btrfs");

// Driver-specific accounting: every driver but copy, whose pool is the
// host's /tmp, where other tests write at the same time.
// Each incarnation's WAL archive is a volume of the pool beside its data
// (<volume>.wal, directory wal), filled by its server, and goes with it:
// a reset makes a new one, a delete removes it, gc finds nothing left.
TEST_P(CliSpaceTest, TheWalArchiveIsAVolumeOfThePool) {
  create_project("p");
  create_branch("p/dev", "p/main");
  auto archive_of = [&](const std::string& branch) {
    std::string data_dir = ok_json({"branch", "show", branch})["data_dir"];
    std::string archive_dir = ok_json({"wal", "status", branch})["archive_dir"];
    const std::string suffix = "/data";
    EXPECT_TRUE(data_dir.ends_with(suffix)) << data_dir;
    EXPECT_EQ(archive_dir, data_dir.substr(0, data_dir.size() - suffix.size()) + ".wal/wal")
        << branch;
    return archive_dir;
  };
  archive_of("p/main");
  const std::string first = archive_of("p/dev");
  ASSERT_TRUE(std::filesystem::is_directory(first));

  // The server archives into it.
  ASSERT_TRUE(sql("p/dev", "CREATE TABLE t AS SELECT generate_series(1, 1000) AS i").ok());
  ASSERT_TRUE(sql("p/dev", "SELECT pg_switch_wal()").ok());
  int files = 0;
  for (int i = 0; i < 100 && files == 0; ++i) {
    files = ok_json({"wal", "status", "p/dev"})["files"].get<int>();
    if (files == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GT(files, 0) << "nothing archived in 20 s";

  ok({"branch", "reset", "p/dev"});
  const std::string second = archive_of("p/dev");
  EXPECT_NE(second, first);
  EXPECT_FALSE(std::filesystem::exists(first)) << "the old incarnation's archive went with it";
  ok({"branch", "delete", "p/dev"});
  EXPECT_FALSE(std::filesystem::exists(second));
  EXPECT_TRUE(ok_json({"gc"})["removed"].empty()) << "no archive volume left behind";

  // A branch without an archive gets no archive volume.
  ok({"branch", "create", "p/ci", "--no-archive"});
  auto ci = ok_json({"wal", "status", "p/ci"});
  EXPECT_FALSE(ci["archiving"].get<bool>());
  std::string data_dir = ok_json({"branch", "show", "p/ci"})["data_dir"];
  EXPECT_FALSE(std::filesystem::exists(data_dir.substr(0, data_dir.size() - 5) + ".wal"));
}

VELO_CLI_INSTANTIATE_ON(CliSpaceTest, "zfs", "btrfs", "xfs");

}  // namespace
}  // namespace velo::e2e
