#include "support/core_fixture.h"

#include <stdlib.h>

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

}  // namespace

void CoreTest::SetUp() {
  char pattern[] = "/tmp/velo-core-test-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  home_ = pattern;
  auto store = state::Store::open(home_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_.emplace(std::move(store).value());
  driver_ = std::make_unique<FakeDriver>(home_ + "/volumes");
  provider_ = std::make_unique<OneRuntime>(runtime_);
  core::Config config;
  config.storage.kind = "fake";
  config.port_min = 40000;
  config.port_max = 40009;
  config.data_root = home_;
  ctx_.emplace(
      core::Context{home_, *store_, runner_, clock_, config, *driver_, *provider_, reporter_, pg_});
}

void CoreTest::TearDown() { (void)remove_tree(home_); }

void CoreTest::seed_project(const std::string& name) {
  state::ProjectRecord project{
      name, "15", "native", "", "postgres", "secret-" + name, "2026-11-24T00:00:00.000Z", 60};
  ASSERT_TRUE(store_->insert_project(project).ok());
  state::BranchRecord main;
  main.project = name;
  main.name = "main";
  main.status = "ready";
  main.port = 40000 + count_rows("branches");
  main.password = project.password;
  main.volume = name + ".main.0";
  main.created_at = project.created_at;
  ASSERT_TRUE(store_->insert_branch(main).ok());
  ASSERT_TRUE(driver_->create_volume(main.volume).ok());
}

int64_t CoreTest::count_rows(const std::string& table) {
  auto rows = store_->db().query("SELECT count(*) FROM " + table);
  return rows.ok() ? state::as_int(rows->at(0).at(0)) : -1;
}

}  // namespace velo::testing
