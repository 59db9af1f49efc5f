// A branch started by a velo binary that is then deleted (moved,
// rebuilt elsewhere, reinstalled) keeps archiving: its server runs velo by
// the link in the data root (runtime/velo_link.h), which the next velo
// that starts a server points at itself. Until then, velo doctor fails
// the branch and names the missing binary.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "pg/config_files.h"
#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

namespace fs = std::filesystem;

class CliMovedBinaryTest : public CliTest {
 protected:
  void TearDown() override {
    CliTest::TearDown();
    // The data root outlives the home (it is /var/lib/velo/<id>): ours goes.
    if (!data_root_.empty()) {
      EXPECT_TRUE(remove_tree(data_root_).ok()) << data_root_;
    }
    if (!copy_dir_.empty()) {
      EXPECT_TRUE(remove_tree(copy_dir_).ok()) << copy_dir_;
    }
  }

  // A copy of the built velo in a fresh directory the servers' user can
  // traverse.
  std::string copy_velo() {
    std::string pattern = "/tmp/velo-moved-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return "";
    copy_dir_ = pattern;
    ::chmod(copy_dir_.c_str(), 0755);
    std::error_code ec;
    fs::copy_file(VELO_BINARY, copy_dir_ + "/velo", ec);
    return ec ? "" : copy_dir_ + "/velo";
  }

  // velo doctor --json's finding named `check`; null when there is none.
  nlohmann::json finding(const std::string& check) {
    CliResult r = velo().run_json({"doctor"});
    for (const auto& f : r.json()) {
      if (f.value("check", "") == check) return f;
    }
    return nullptr;
  }

  // Polls until `done` holds (true) or 60 s have passed (false).
  template <typename Done>
  bool eventually(Done done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // Writes, and switches to a new WAL segment; the name of the one closed.
  std::string write_and_switch(const std::string& branch) {
    for (const char* statement : {"CREATE TABLE IF NOT EXISTS t (x int)",
                                  "INSERT INTO t SELECT generate_series(1, 1000)"}) {
      auto done = sql(branch, statement);
      EXPECT_TRUE(done.ok()) << statement << ": " << done.error().message;
    }
    return sql_value(branch, "SELECT pg_walfile_name(pg_switch_wal())");
  }

  std::string data_root_;
  std::string copy_dir_;
};

TEST_P(CliMovedBinaryTest, BranchKeepsArchivingAfterItsVeloIsDeleted) {
  std::string copy = copy_velo();
  ASSERT_FALSE(copy.empty()) << "cannot copy " << VELO_BINARY;
  VeloCli moved(velo());
  moved.set_binary(copy);
  CliResult created = moved.run(project_create_args("p"));
  ASSERT_EQ(created.exit_code, 0) << created.describe();

  // The server calls the link, which names the copy.
  std::string archive = ok_json({"wal", "status", "p/main"})["archive_dir"];
  ASSERT_FALSE(archive.empty());
  data_root_ = data_root();
  ASSERT_FALSE(data_root_.empty());
  const std::string link = data_root_ + "/bin/velo";
  EXPECT_EQ(fs::read_symlink(link).string(), copy);
  auto conf = read_file(data_dir("p/main") + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_EQ(pg::read_setting(*conf, "archive_command").value_or("").rfind("'" + link + "' ", 0), 0u)
      << *conf;
  EXPECT_EQ(conf->find(copy_dir_), std::string::npos) << "velo.conf names the binary itself";

  // The copy goes: archiving fails, and doctor says so.
  ASSERT_TRUE(remove_tree(copy_dir_).ok());
  copy_dir_.clear();
  // (The shell's "not found", 127, is fatal to PostgreSQL's archiver:
  // it exits, without counting a failure, and is started again.)
  std::string first = write_and_switch("p/main");
  EXPECT_TRUE(eventually([&] {
    return velo().run({"logs", "p/main"}).out.find("archive command failed") != std::string::npos;
  })) << "the server archived with a deleted velo";
  EXPECT_FALSE(fs::exists(archive + "/" + first));
  nlohmann::json broken = finding("archive p/main");
  ASSERT_TRUE(broken.is_object()) << "doctor did not flag p/main";
  EXPECT_EQ(broken["status"], "fail") << broken.dump();
  EXPECT_NE(broken["detail"].get<std::string>().find("(a link to " + copy + "), which is missing"),
            std::string::npos)
      << broken.dump();
  EXPECT_EQ(velo().run({"doctor"}).exit_code, 1);

  // The build's velo starts a server: the link names it, and the
  // segments the branch could not archive arrive.
  create_branch("p/next");
  EXPECT_EQ(fs::read_symlink(link), fs::canonical(VELO_BINARY));
  std::string second = write_and_switch("p/main");
  for (const auto& segment : {first, second}) {
    EXPECT_TRUE(eventually([&] { return fs::exists(archive + "/" + segment); }))
        << segment << " never reached " << archive;
  }
  nlohmann::json fixed = finding("archive commands");
  EXPECT_EQ(fixed.value("status", ""), "ok") << fixed.dump();
  EXPECT_FALSE(finding("archive p/main").is_object());
}

// Native servers only: a docker branch archives with a shell script.
VELO_CLI_INSTANTIATE_ON(CliMovedBinaryTest, std::string("copy"));

}  // namespace
}  // namespace velo::e2e
