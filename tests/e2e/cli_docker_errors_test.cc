// What a user of the docker runtime meets when the engine or the image is
// not there: one clear line naming the cause, a non-zero exit, and nothing
// left behind (no project, no branch, no volume, no container). The errors
// of a server that cannot start (port taken, container exiting) are in
// cli_concurrency_test.cc, which also runs on docker. And orphan
// containers: gc removes its own home's only.
#include <gtest/gtest.h>

#include "runtime/docker_client.h"
#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

class CliDockerErrorsTest : public CliTest {
 protected:
  // velo as the test runs it, but pointed at a socket no engine serves.
  VeloCli without_engine() {
    VeloCli cli(velo());
    cli.set_env("DOCKER_HOST", "unix://" + pool().dir() + "/no-engine.sock");
    return cli;
  }

  // Exit 1 for an environment failure (no engine), 2 for what the user
  // named and does not exist (the image), as for an unknown branch.
  void expect_failed_naming(const CliResult& r, int exit_code, const std::string& cause) {
    EXPECT_EQ(r.exit_code, exit_code) << r.describe();
    EXPECT_EQ(r.err.rfind("velo: error: ", 0), 0u) << r.describe();
    EXPECT_EQ(r.err_lines().size(), 1u) << r.describe();
    EXPECT_NE(r.err.find(cause), std::string::npos)
        << "should name " << cause << ": " << r.describe();
  }
};

TEST_P(CliDockerErrorsTest, NoEngineOrNoImageLeavesNothing) {
  const nlohmann::json empty = observable();

  CliResult no_engine = without_engine().run(project_create_args("demo"));
  expect_failed_naming(no_engine, 1, pool().dir() + "/no-engine.sock");
  EXPECT_EQ(observable(), empty);

  std::vector<std::string> missing_image = {
      "project", "create", "demo", "--runtime", "docker", "--image", "velo-test/no-such-image:1"};
  CliResult no_image = velo().run(missing_image);
  expect_failed_naming(no_image, 2, "velo-test/no-such-image:1");
  EXPECT_EQ(observable(), empty);

  // With a project in place, an engine gone away fails a branch create
  // cleanly too, and the project is as it was.
  create_project("demo");
  const nlohmann::json with_project = observable();
  CliResult branch = without_engine().run({"branch", "create", "demo/dev"});
  expect_failed_naming(branch, 1, "no-engine.sock");
  EXPECT_EQ(observable(), with_project);
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  // And once the engine answers again, the same command works.
  create_branch("demo/dev");
  EXPECT_EQ(show("demo/dev")["status"], "running");
}

// Containers whose branch is gone are orphans that doctor names and gc
// removes; a container of another velo home on the same engine, with the
// same project and branch names, is neither.
TEST_P(CliDockerErrorsTest, GcRemovesThisHomesOrphanContainersOnly) {
  create_project("demo");
  runtime::DockerClient client(docker_socket());
  auto make = [&](const std::string& name, const std::string& home) {
    runtime::ContainerConfig config;
    config.image = docker_image();
    config.entrypoint = {"sleep", "600"};
    config.labels = {{"dev.velo.managed", "true"},
                     {"dev.velo.home", home},
                     {"dev.velo.project", "demo"},
                     {"dev.velo.branch", "gone"}};
    auto id = client.create_container(name, config);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : std::string();
  };
  const std::string ours = make("velo-demo-gone", velo().home());
  const std::string theirs = make("", "/elsewhere/.velo");
  ASSERT_FALSE(ours.empty());
  ASSERT_FALSE(theirs.empty());

  EXPECT_EQ(orphans(), std::vector<std::string>{
                           "orphan container: demo/gone: docker cluster of a branch that no longer "
                           "exists (velo gc removes it)"});
  ok({"gc"});
  EXPECT_EQ(orphans(), std::vector<std::string>{});
  EXPECT_EQ(client.inspect_container(ours).error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(client.inspect_container(theirs).ok()) << "gc removed another home's container";
  (void)client.remove_container(theirs);
  EXPECT_EQ(sql_value("demo/main", "SELECT 1"), "1");
}

VELO_CLI_INSTANTIATE_ON_DOCKER(CliDockerErrorsTest);

}  // namespace
}  // namespace velo::e2e
