// make_runtime's table: each runtime by name, and the error for others.
#include <gtest/gtest.h>

#include "runtime/registry.h"
#include "support/fake_runner.h"

namespace velo::runtime {
namespace {

using velo::testing::FakeRunner;

TEST(RuntimeRegistryTest, EachRuntimeByName) {
  FakeRunner runner;
  RuntimeDeps deps{runner, "root", "/srv/velo-home", "unix:///tmp/engine.sock", ""};
  for (const std::string name : {"native", "docker"}) {
    auto made = make_runtime(name, deps);
    ASSERT_TRUE(made.ok()) << name << ": " << made.error().message;
    EXPECT_EQ((*made)->name(), name);
  }
}

TEST(RuntimeRegistryTest, UnknownNameIsInvalidAndListsTheKnown) {
  FakeRunner runner;
  auto made = make_runtime("podman", RuntimeDeps{runner, "postgres", "/srv/velo-home", "", ""});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(made.error().message, "unknown runtime 'podman' (known: native, docker)");
}

TEST(RuntimeRegistryTest, TheRuntimesOwnErrorsComeBack) {
  FakeRunner runner;
  auto docker = make_runtime("docker", RuntimeDeps{runner, "", "/h", "tcp://10.0.0.1:2375", ""});
  ASSERT_FALSE(docker.ok());
  EXPECT_EQ(docker.error().kind, ErrorKind::Invalid);
  auto native = make_runtime("native", RuntimeDeps{runner, "no-such-user-velo", "/h", "", ""});
  EXPECT_FALSE(native.ok());
}

}  // namespace
}  // namespace velo::runtime
