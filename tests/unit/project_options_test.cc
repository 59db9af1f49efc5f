// velo project create's options, checked before anything is opened.
#include <gtest/gtest.h>

#include "core/project/create_options.h"

namespace velo::core {
namespace {

CreateProjectOptions valid() {
  CreateProjectOptions options;
  options.name = "shop";
  return options;
}

TEST(ProjectOptionsTest, TheDefaultsAndADockerImagePass) {
  EXPECT_TRUE(validate_project_options(valid()).ok());
  CreateProjectOptions docker = valid();
  docker.runtime = "docker";
  docker.image = "registry.example:5000/team/postgres:15-alpine";
  EXPECT_TRUE(validate_project_options(docker).ok());
}

TEST(ProjectOptionsTest, AnImageNeedsTheDockerRuntime) {
  CreateProjectOptions options = valid();
  options.image = "x";
  Status status = validate_project_options(options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::Invalid);
  EXPECT_NE(status.error().message.find("--runtime docker"), std::string::npos);
}

TEST(ProjectOptionsTest, BadValuesAreInvalid) {
  std::vector<CreateProjectOptions> bad(9, valid());
  bad[0].name = "Bad";
  bad[1].pg_version = "";
  bad[2].pg_version = "15.4";
  bad[3].pg_version = "0";
  bad[4].runtime = "podman";
  bad[5].runtime = "docker";
  bad[5].image = "a b";
  bad[6].runtime = "docker";
  bad[6].image = "-x";
  bad[7].archive_timeout_s = 0;
  bad[8].archive_timeout_s = 86401;
  for (const auto& options : bad) {
    Status status = validate_project_options(options);
    ASSERT_FALSE(status.ok()) << options.name << " " << options.pg_version << " " << options.image;
    EXPECT_EQ(status.error().kind, ErrorKind::Invalid);
    EXPECT_EQ(status.error().message.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace velo::core
