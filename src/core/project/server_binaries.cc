#include "core/project/server_binaries.h"

#include <fmt/format.h>

#include "runtime/postmaster.h"

namespace velo::core {

std::vector<Finding> check_server_binaries(const std::vector<BranchInfo>& branches) {
  std::vector<Finding> findings;
  for (const BranchInfo& b : branches) {
    if (b.runtime != "native" || b.status != "running") continue;
    auto pid = runtime::live_postmaster_of(b.data_dir);
    if (!pid || !runtime::runs_replaced_binary(*pid)) continue;
    const std::string name = b.project + "/" + b.branch;
    findings.push_back({"branch " + name, "warn",
                        fmt::format("runs a PostgreSQL binary replaced since it started (a "
                                    "package upgrade): 'velo branch restart {}' runs the "
                                    "installed one",
                                    name)});
  }
  if (findings.empty()) {
    findings.push_back({"server binaries", "ok", "running branches run the installed PostgreSQL"});
  }
  return findings;
}

}  // namespace velo::core
