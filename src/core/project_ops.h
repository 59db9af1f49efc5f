// Project operations: a project is a lineage of branches rooted at main.
#pragma once

#include <cstdint>
#include <string>

#include "core/cluster.h"
#include "core/context.h"

namespace velo::core {

struct CreateProjectOptions {
  std::string name;
  std::string pg_version = "15";
  std::string runtime = "native";  // native | docker
  std::string image;               // docker: "" means postgres:<pg_version>
  int64_t archive_timeout_s = 60;  // main archives its WAL; bounds the archive's lag
};

// Creates the project and its running main branch (initdb).
Result<BranchHandle> create_project(Context& ctx, const CreateProjectOptions& options);

// Refuses (Conflict) while branches other than main exist, unless `force`.
Status delete_project(Context& ctx, const std::string& name, bool force);

}  // namespace velo::core
