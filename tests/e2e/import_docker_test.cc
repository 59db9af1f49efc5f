// velo project create --from URL --runtime docker: pg_basebackup on the
// host into the volume, the copy handed to the image's postgres user, and
// main served by a container; its branches are containers too.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "core/import/area.h"
#include "support/docker_engine.h"
#include "support/import_fixture.h"

namespace velo::e2e {
namespace {

class ImportDockerTest : public ImportTest {
 protected:
  // Every velo this test runs talks to the test engine.
  void TearDown() override {
    ImportTest::TearDown();
    ::unsetenv("DOCKER_HOST");
  }
};

TEST_P(ImportDockerTest, CopiesIntoAContainerAndBranches) {
  VELO_REQUIRE_DOCKER(engine);
  ASSERT_EQ(::setenv("DOCKER_HOST", engine->docker_host().c_str(), 1), 0);
  ASSERT_TRUE(source().pgbench_init(1).ok());
  const std::string counts =
      "SELECT (SELECT count(*) FROM pgbench_accounts) || '/' || (SELECT sum(abalance) FROM "
      "pgbench_accounts)";
  const std::string expected = source().value(counts);

  CliResult created = ok({"project", "create", "boxed", "--from", source().url(), "--runtime",
                          "docker", "--image", engine->image()});
  EXPECT_EQ(created.out.find(SourceServer::kPassword), std::string::npos) << created.out;
  nlohmann::json main = show("boxed/main");
  EXPECT_EQ(main.value("runtime", ""), "docker") << main.dump();
  // Through velo's URL: velo set its password through the container's socket.
  EXPECT_EQ(sql_value("boxed/main", counts), expected);
  EXPECT_EQ(sql_value("boxed/main", "SELECT pg_is_in_recovery()"), "f");
  // The copy belongs to the image's postgres user, not to velo's root.
  struct stat st {};
  ASSERT_EQ(::stat(data_dir("boxed/main").c_str(), &st), 0);
  EXPECT_NE(st.st_uid, 0u);

  create_branch("boxed/dev");
  EXPECT_EQ(show("boxed/dev").value("runtime", ""), "docker");
  ASSERT_TRUE(sql("boxed/dev", "UPDATE pgbench_accounts SET abalance = abalance + 1").ok());
  EXPECT_EQ(sql_value("boxed/main", counts), expected);
  EXPECT_NE(sql_value("boxed/dev", counts), expected);
  // A restart finds its socket again (velo reaches the server through it
  // only before the password is set, but the server must start).
  ok({"branch", "restart", "boxed/main"});
  EXPECT_EQ(sql_value("boxed/main", counts), expected);

  // Deleted, the project leaves no link to its sockets on the host.
  const std::vector<int> ports = {show("boxed/main")["port"], show("boxed/dev")["port"]};
  ok({"project", "delete", "boxed", "--force"});
  for (int port : ports) {
    struct stat link {};
    EXPECT_NE(::lstat(core::admin_socket_dir(port).c_str(), &link), 0)
        << core::admin_socket_dir(port);
  }
}

INSTANTIATE_TEST_SUITE_P(Import, ImportDockerTest, ::testing::Values("copy"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace velo::e2e
