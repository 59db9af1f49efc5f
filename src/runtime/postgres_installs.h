// The PostgreSQL servers installed the Debian way
// (/usr/lib/postgresql/<major>/bin), which native branches run.
#pragma once

#include <string>
#include <vector>

namespace velo::runtime {

struct PostgresInstall {
  std::string version;  // the major version: "15"
  std::string bin_dir;
};

// Those under `root` with an executable postgres and initdb, oldest
// version first.
std::vector<PostgresInstall> find_postgres_installs(
    const std::string& root = "/usr/lib/postgresql");

}  // namespace velo::runtime
