#include "pg/config_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::pg {
namespace {

class ConfigFilesTest : public testing::TempDirTest {
 protected:
  std::string read(const std::string& name) {
    auto content = read_file(dir_ + "/" + name);
    EXPECT_TRUE(content.ok()) << name;
    return content.ok() ? *content : "";
  }
  mode_t mode_of(const std::string& name) {
    struct stat st {};
    EXPECT_EQ(::stat((dir_ + "/" + name).c_str(), &st), 0);
    return st.st_mode & 07777;
  }
};

TEST(QuoteSettingTest, QuotesAndEscapes) {
  EXPECT_EQ(quote_setting("5432"), "'5432'");
  EXPECT_EQ(quote_setting(""), "''");
  EXPECT_EQ(quote_setting("it's"), "'it''s'");
  EXPECT_EQ(quote_setting("a\\b"), "'a\\\\b'");
  EXPECT_EQ(quote_setting("proj/main"), "'proj/main'");
}

TEST_F(ConfigFilesTest, WritesVeloConf) {
  ASSERT_TRUE(write_velo_conf(dir_, {{"port", "6001"},
                                     {"listen_addresses", "127.0.0.1"},
                                     {"unix_socket_directories", ""},
                                     {"cluster_name", "o'brien/main"}})
                  .ok());
  std::string content = read("velo.conf");
  EXPECT_NE(content.find("\nport = '6001'\n"), std::string::npos) << content;
  EXPECT_NE(content.find("\nlisten_addresses = '127.0.0.1'\n"), std::string::npos);
  EXPECT_NE(content.find("\nunix_socket_directories = ''\n"), std::string::npos);
  EXPECT_NE(content.find("\ncluster_name = 'o''brien/main'\n"), std::string::npos);
  EXPECT_EQ(mode_of("velo.conf"), 0600u);

  // A rewrite replaces the file, it does not append.
  ASSERT_TRUE(write_velo_conf(dir_, {{"port", "6002"}}).ok());
  content = read("velo.conf");
  EXPECT_EQ(content.find("6001"), std::string::npos);
  EXPECT_NE(content.find("port = '6002'"), std::string::npos);
}

TEST_F(ConfigFilesTest, IncludeIsAppendedOnce) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/postgresql.conf", "shared_buffers = 128MB", 0600).ok());
  ASSERT_TRUE(ensure_velo_include(dir_).ok());
  ASSERT_TRUE(ensure_velo_include(dir_).ok());
  std::string content = read("postgresql.conf");
  EXPECT_EQ(content.rfind("shared_buffers = 128MB\n", 0), 0u) << content;
  size_t first = content.find("include_if_exists = 'velo.conf'\n");
  ASSERT_NE(first, std::string::npos) << content;
  EXPECT_EQ(content.find("include_if_exists", first + 1), std::string::npos) << content;
  // The include is last, so velo's settings win over the lines above it.
  EXPECT_EQ(first + std::string("include_if_exists = 'velo.conf'\n").size(), content.size());
  EXPECT_EQ(mode_of("postgresql.conf"), 0600u);
}

TEST_F(ConfigFilesTest, IncludeRecognisesDifferentSpacing) {
  ASSERT_TRUE(
      write_file_atomic(dir_ + "/postgresql.conf", "include_if_exists='velo.conf'\n", 0600).ok());
  ASSERT_TRUE(ensure_velo_include(dir_).ok());
  EXPECT_EQ(read("postgresql.conf"), "include_if_exists='velo.conf'\n");
}

TEST_F(ConfigFilesTest, IncludeNeedsPostgresqlConf) {
  EXPECT_FALSE(ensure_velo_include(dir_).ok());
}

TEST_F(ConfigFilesTest, HbaUsesScramOverTcpAndPeerLocally) {
  ASSERT_TRUE(write_hba(dir_).ok());
  std::string content = read("pg_hba.conf");
  EXPECT_NE(content.find("host    all          all   all      scram-sha-256"), std::string::npos);
  EXPECT_NE(content.find("local   all          all            peer"), std::string::npos);
  EXPECT_EQ(content.find("trust"), std::string::npos);
  EXPECT_EQ(content.find("md5"), std::string::npos);
  EXPECT_EQ(mode_of("pg_hba.conf"), 0600u);
}

TEST_F(ConfigFilesTest, RemovesCloneLeftovers) {
  for (const char* name : {"postmaster.pid", "postmaster.opts", "standby.signal", "recovery.signal",
                           "backup_label.old", "PG_VERSION", "backup_label"}) {
    ASSERT_TRUE(write_file_atomic(dir_ + "/" + name, "x", 0600).ok());
  }
  ASSERT_TRUE(remove_clone_leftovers(dir_).ok());
  for (const char* gone : {"postmaster.pid", "postmaster.opts", "standby.signal", "recovery.signal",
                           "backup_label.old"}) {
    EXPECT_FALSE(path_exists(dir_ + "/" + gone)) << gone;
  }
  // backup_label of a backup-API clone is what makes its recovery correct.
  EXPECT_TRUE(path_exists(dir_ + "/backup_label"));
  EXPECT_TRUE(path_exists(dir_ + "/PG_VERSION"));
  ASSERT_TRUE(remove_clone_leftovers(dir_).ok());  // nothing left to remove
}

}  // namespace
}  // namespace velo::pg
