// A core Context built from fakes on a temporary home: a FakeDriver, a
// FakeRuntime that starts nothing, a stepping clock. seed_project() makes a
// project whose main is stopped, the state that --no-start paths need.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "core/context.h"
#include "pg/connection.h"
#include "support/fake_runner.h"
#include "support/fake_runtime.h"
#include "support/fake_storage.h"

namespace velo::testing {

class FakeClock : public Clock {
 public:
  TimePoint now() override { return now_; }
  std::chrono::steady_clock::time_point monotonic() override { return steady_; }
  void sleep_for(std::chrono::microseconds duration) override {
    now_ += duration;
    steady_ += duration;
  }

 private:
  TimePoint now_ = TimePoint(std::chrono::seconds(1795000000));
  std::chrono::steady_clock::time_point steady_{};
};

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A project `name` with a stopped, ready main branch.
  void seed_project(const std::string& name);
  int64_t count_rows(const std::string& table);

  std::string home_;
  std::optional<state::Store> store_;
  std::unique_ptr<FakeDriver> driver_;
  FakeRuntime runtime_;
  FakeRunner runner_;
  FakeClock clock_;
  std::unique_ptr<core::RuntimeProvider> provider_;
  core::SilentReporter reporter_;
  pg::LibpqClient pg_;
  std::optional<core::Context> ctx_;
};

}  // namespace velo::testing
