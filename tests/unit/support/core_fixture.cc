#include "support/core_fixture.h"

#include <dirent.h>
#include <stdlib.h>

#include <algorithm>
#include <vector>

#include "core/history/wal_archive.h"
#include "core/import/area.h"
#include "core/import/import_hooks.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::testing {
namespace {

class OneRuntime : public core::RuntimeProvider {
 public:
  explicit OneRuntime(runtime::Runtime& runtime) : runtime_(runtime) {}
  Result<runtime::Runtime*> get(const std::string&) override { return &runtime_; }

 private:
  runtime::Runtime& runtime_;
};

constexpr int kPortMin = 40000;
constexpr int kPortMax = 40009;

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return out;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  ::closedir(handle);
  std::sort(out.begin(), out.end());
  return out;
}

// What a server answers to the statements every operation issues; tests
// add rules for their own (newer rules win).
void answer_like_a_server(FakePg& pg) {
  pg.on("pg_current_wal_lsn() END::text", {{"0/3000028"}});
  // Far from the last checkpoint: a snapshot takes a CHECKPOINT first.
  pg.on("pg_control_checkpoint()", {{"0/3000028", "0/1000028", "f"}});
  pg.on_regex(R"(^SELECT pg_is_in_recovery\(\)$)", {{"f"}});
  pg.on("SELECT pg_current_wal_lsn()::text", {{"0/5000000"}});
  pg.on("FROM pg_stat_archiver", {{"-", "0"}});
  pg.on_call("format('ALTER ROLE %I PASSWORD %L'", [](const PgStatement& s) -> FakePg::Answer {
    return std::vector<pg::Row>{
        {"ALTER ROLE \"" + s.params.at(0) + "\" PASSWORD '" + s.params.at(1) + "'"}};
  });
}

}  // namespace

void CoreTest::SetUp() {
  // On tmpfs: SQLite and write_file_atomic fsync, and a disk's fsyncs made
  // every core test take 50-150 ms.
  home_ = make_temp_dir("core-test");
  ASSERT_FALSE(home_.empty());
  // Fake servers take the same ports in every test process: socket
  // directories in a shared /run/velo would be removed under each other.
  core::set_admin_socket_base(home_ + "/run");
  auto store = state::Store::open(home_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_.emplace(std::move(store).value());
  provider_ = std::make_unique<OneRuntime>(runtime_);
  use_driver(true);
  answer_like_a_server(pg_);
}

void CoreTest::use_driver(bool atomic) {
  ctx_.reset();
  driver_ = std::make_unique<FakeDriver>(home_ + "/volumes", atomic);
  core::Config config;
  config.storage.kind = "fake";
  config.port_min = kPortMin;
  config.port_max = kPortMax;
  config.data_root = home_;
  ctx_.emplace(
      core::Context{home_, *store_, runner_, clock_, config, *driver_, *provider_, reporter_, pg_});
  // As the app wires it: imported clusters are told apart by these hooks.
  static const core::ImportHooks import_hooks;
  ctx_->cluster_hooks = &import_hooks;
}

Faults CoreTest::faults() {
  return Faults{
      *driver_,
      runtime_,
      pg_,
      runner_,
      [this](const std::string& table, const std::string& event) { fail_writes(table, event); },
      home_};
}

void CoreTest::TearDown() {
  (void)remove_tree(home_);  // the admin socket directories too (SetUp)
  core::set_admin_socket_base("");
}

void CoreTest::seed_project(const std::string& name, Seed seed) {
  state::ProjectRecord project{
      name, "15", "native", "", "postgres", "secret-" + name, "2026-11-24T00:00:00.000Z", 60};
  ASSERT_TRUE(store_->insert_project(project).ok());
  state::BranchRecord main;
  main.project = name;
  main.name = "main";
  main.status = "ready";
  main.port = kPortMin + count_rows("branches");
  main.password = project.password;
  main.volume = name + ".main.0";
  main.created_at = project.created_at;
  main.archive = seed.archive;
  // A main seeded down was stopped on purpose: one that crashed would be
  // started again by the first command that snapshots it.
  main.stopped_by_user = !seed.running;
  ASSERT_TRUE(store_->insert_branch(main).ok());
  ASSERT_TRUE(driver_->create_volume(main.volume).ok());
  if (seed.archive) {
    ASSERT_TRUE(core::create_archive_volume(*driver_, main.volume).ok());
    ASSERT_TRUE(
        core::make_archive_dir(core::archive_dir_of(ctx_->config, ctx_->driver, main.volume)).ok());
  }
  if (seed.running) run_server(name, "main");
}

core::BranchHandle CoreTest::handle(const std::string& project, const std::string& branch) {
  auto loaded = core::load_branch(*ctx_, project, branch);
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  return loaded.ok() ? *loaded : core::BranchHandle{};
}

void CoreTest::run_server(const std::string& project, const std::string& branch) {
  core::BranchHandle h = handle(project, branch);
  ASSERT_TRUE(runtime_.start(h.spec).ok());
  runtime_.calls.clear();
}

state::BranchRecord CoreTest::branch_row(const std::string& project, const std::string& branch) {
  auto row = store_->branch(project, branch);
  EXPECT_TRUE(row.ok() && row->has_value()) << project << "/" << branch << " has no row";
  return row.ok() && row->has_value() ? **row : state::BranchRecord{};
}

int64_t CoreTest::count_rows(const std::string& table) {
  auto rows = store_->db().query("SELECT count(*) FROM " + table);
  return rows.ok() ? state::as_int(rows->at(0).at(0)) : -1;
}

std::string CoreTest::world() {
  std::string out;
  for (const char* table : {"projects", "branches", "snapshots", "retired"}) {
    auto rows = store_->db().query(std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
    if (!rows.ok()) return "cannot read " + std::string(table) + ": " + rows.error().message;
    for (const auto& row : *rows) {
      out += table;
      for (const auto& value : row) out += " | " + state::as_text(value);
      out += "\n";
    }
  }
  for (const auto& volume : driver_->volumes) out += "volume " + volume + "\n";
  for (const auto& snapshot : driver_->snapshots) out += "snapshot " + snapshot + "\n";
  for (const auto& dir : entries(home_ + "/archive")) out += "archive " + dir + "\n";
  for (const auto& log : entries(home_ + "/logs")) out += "log " + log + "\n";
  for (int port = kPortMin; port <= kPortMax; ++port) {
    if (path_exists(core::admin_socket_dir(port))) out += "socket " + std::to_string(port) + "\n";
  }
  for (const auto& server : runtime_.running()) out += "running " + server + "\n";
  return out;
}

void CoreTest::fail_writes(const std::string& table, const std::string& event) {
  std::string trigger = "fail_" + table + "_" + event;
  Status made = store_->db().exec("CREATE TRIGGER " + trigger + " BEFORE " + event + " ON " +
                                  table + " BEGIN SELECT RAISE(FAIL, 'injected failure'); END");
  ASSERT_TRUE(made.ok()) << made.error().message;
}

}  // namespace velo::testing
