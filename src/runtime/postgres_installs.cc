#include "runtime/postgres_installs.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace velo::runtime {

std::vector<PostgresInstall> find_postgres_installs(const std::string& root) {
  std::vector<PostgresInstall> installs;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789.") != std::string::npos) continue;
    const std::string bin = root + "/" + name + "/bin";
    if (::access((bin + "/postgres").c_str(), X_OK) != 0) continue;
    if (::access((bin + "/initdb").c_str(), X_OK) != 0) continue;
    installs.push_back({name, bin});
  }
  // Numerically: 9.6 before 10.
  std::sort(installs.begin(), installs.end(), [](const auto& a, const auto& b) {
    return std::atof(a.version.c_str()) < std::atof(b.version.c_str());
  });
  return installs;
}

}  // namespace velo::runtime
