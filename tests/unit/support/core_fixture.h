// A core Context built from fakes on a temporary home: a FakeDriver, a
// FakeRuntime whose servers "start" (FakePg answers for them), a FakeRunner
// and a stepping FakeClock. seed_project() makes a project whose main is
// ready; world() lists everything an operation can leave behind, so a
// failure test checks that the undo left the world as it found it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "support/fake_clock.h"
#include "support/fake_pg.h"
#include "support/fake_runner.h"
#include "support/fake_runtime.h"
#include "support/fake_storage.h"

namespace velo::testing {

// What a table-driven failure case breaks before the operation runs.
struct Faults {
  FakeDriver& driver;
  FakeRuntime& runtime;
  FakePg& pg;
  FakeRunner& runner;
  std::function<void(const std::string& table, const std::string& event)> fail_writes;
  std::string home;  // the test's home: paths in the commands it scripts
};

// One row of a failure table: a name (the test's suffix) and the fault.
struct FailureCase {
  std::string name;
  std::function<void(Faults&)> inject;
};
inline void PrintTo(const FailureCase& c, std::ostream* os) { *os << c.name; }
inline std::string case_name(const ::testing::TestParamInfo<FailureCase>& info) {
  return info.param.name;
}

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Replaces the driver by one with or without atomic snapshots (call
  // before seeding anything).
  void use_driver(bool atomic);
  Faults faults();

  struct Seed {
    bool running = false;  // main's server started (else stopped by the user)
    bool archive = false;  // main archives its WAL (its archive directory made)
  };
  // A project `name` (password "secret-NAME") with a ready main branch.
  void seed_project(const std::string& name) { seed_project(name, Seed{}); }
  void seed_project(const std::string& name, Seed seed);
  core::BranchHandle handle(const std::string& project, const std::string& branch);
  // Starts a branch's server through the fake runtime.
  void run_server(const std::string& project, const std::string& branch);
  state::BranchRecord branch_row(const std::string& project, const std::string& branch);
  int64_t count_rows(const std::string& table);

  // One line per state row (projects, branches, snapshots, retired),
  // volume, snapshot, WAL archive directory, server log, admin socket
  // directory and running server.
  std::string world();
  // Makes `event` ("INSERT", "UPDATE", "DELETE") on `table` fail from now
  // on: an SQLite trigger, for the state writes that end an operation.
  void fail_writes(const std::string& table, const std::string& event);

  std::string home_;
  std::optional<state::Store> store_;
  std::unique_ptr<FakeDriver> driver_;
  FakeRuntime runtime_;
  FakeRunner runner_;
  FakeClock clock_;
  FakePg pg_;
  std::unique_ptr<core::RuntimeProvider> provider_;
  core::SilentReporter reporter_;
  std::optional<core::Context> ctx_;
};

}  // namespace velo::testing
