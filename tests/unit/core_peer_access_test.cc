// A project made on a runtime whose servers can listen on a host socket
// (native): velo's own sessions take the private admin socket with peer
// authentication, users still log in over TCP with the password; on one
// that cannot (docker), everything stays on TCP.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/branch/branch_ops.h"
#include "core/branch/connection.h"
#include "core/import/area.h"
#include "core/project/project_ops.h"
#include "support/core_fixture.h"
#include "util/fs.h"
#include "util/os_user.h"

namespace velo::testing {
namespace {

core::CreateProjectOptions project() {
  core::CreateProjectOptions options;
  options.name = "api";
  return options;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(CoreTest, APeerProjectsOwnSessionsTakeTheAdminSocket) {
  runtime_.host_socket = true;
  auto made = core::create_project(*ctx_, project());
  ASSERT_TRUE(made.ok()) << made.error().message;
  const std::string& data = made->spec.data_dir;
  const std::string socket_dir = core::admin_socket_dir(made->branch.port);
  EXPECT_TRUE(core::has_admin_socket(data));
  EXPECT_FALSE(core::is_imported(data)) << "its roles are velo's own";
  auto hba = read_file(data + "/pg_hba.conf");
  ASSERT_TRUE(hba.ok());
  EXPECT_TRUE(contains(*hba, "local   all          all            peer map=velo\n")) << *hba;
  EXPECT_TRUE(contains(*hba, "host    all          all   all      scram-sha-256\n")) << *hba;
  auto ident = read_file(data + "/pg_ident.conf");
  ASSERT_TRUE(ident.ok());
  EXPECT_TRUE(contains(*ident, "velo  " + current_user().name + "  postgres\n")) << *ident;
  auto conf = read_file(data + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_TRUE(contains(*conf, "unix_socket_directories = '" + socket_dir + "'")) << *conf;
  struct stat st {};
  ASSERT_EQ(::stat(socket_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // velo's session: the socket, no password sent.
  pg::ConnParams own = core::conn_params(*made);
  EXPECT_EQ(own.host, socket_dir);
  EXPECT_EQ(own.password, "");
  // A user's: TCP with the password.
  pg::ConnParams user = core::user_connection(*made);
  EXPECT_EQ(user.host, "127.0.0.1");
  EXPECT_EQ(user.password, made->branch.password);

  // The project's first snapshot and a branch create's checkpoint main
  // over its socket.
  core::CreateBranchOptions dev;
  dev.name = {"api", "dev"};
  dev.start = false;
  ASSERT_TRUE(core::create_branch(*ctx_, dev).ok());
  auto checkpoints = pg_.matching("CHECKPOINT");
  ASSERT_EQ(checkpoints.size(), 2u);
  for (const auto& checkpoint : checkpoints) {
    EXPECT_EQ(checkpoint.conn.host, socket_dir);
    EXPECT_EQ(checkpoint.conn.password, "");
  }

  // The readiness ping stays on TCP: it ends at the password request.
  ASSERT_GE(pg_.pings(), 1);
  EXPECT_EQ(pg_.last_ping().host, "127.0.0.1");
  EXPECT_EQ(pg_.last_ping().password, "");

  // What a crashed server left in the socket directory goes before the
  // next start: its lock file names a pid that may live on as a zombie.
  ASSERT_TRUE(runtime_.stop(made->spec).ok());  // a crash, behind velo's back
  const std::string lock = socket_dir + "/.s.PGSQL." + std::to_string(made->branch.port) + ".lock";
  ASSERT_TRUE(write_file_atomic(lock, "12345\n", 0600).ok());
  ASSERT_TRUE(core::start_branch(*ctx_, {"api", "main"}).ok());
  EXPECT_FALSE(path_exists(lock));

  // Gone with the project.
  ASSERT_TRUE(core::delete_project(*ctx_, "api", true).ok());
  EXPECT_FALSE(path_exists(socket_dir));
}

TEST_F(CoreTest, AProjectWithoutAHostSocketStaysOnTcp) {
  auto made = core::create_project(*ctx_, project());
  ASSERT_TRUE(made.ok()) << made.error().message;
  const std::string& data = made->spec.data_dir;
  EXPECT_FALSE(core::has_admin_socket(data));
  auto hba = read_file(data + "/pg_hba.conf");
  ASSERT_TRUE(hba.ok());
  EXPECT_FALSE(contains(*hba, "map=velo")) << *hba;
  auto conf = read_file(data + "/velo.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_FALSE(contains(*conf, "unix_socket_directories")) << *conf;
  pg::ConnParams own = core::conn_params(*made);
  EXPECT_EQ(own.host, "127.0.0.1");
  EXPECT_EQ(own.password, made->branch.password);
  EXPECT_FALSE(path_exists(core::admin_socket_dir(made->branch.port)));
}

}  // namespace
}  // namespace velo::testing
