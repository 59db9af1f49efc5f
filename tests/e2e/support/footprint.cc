#include "support/footprint.h"

#include <algorithm>
#include <filesystem>

namespace velo::e2e {

std::vector<std::string> footprint(const std::vector<std::pair<std::string, int>>& roots) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  for (const auto& [root, depth] : roots) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it.depth() >= depth - 1) it.disable_recursion_pending();
      const std::string name = it->path().filename().string();
      if (name.rfind("state.db", 0) == 0) continue;
      paths.push_back(it->path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

}  // namespace velo::e2e
