// The runtime registry: one row per runtime. Adding a runtime is a file, a
// row here, and nothing in CMake (src/ is globbed).
#include "runtime/registry.h"

#include <array>

#include "runtime/docker_api.h"
#include "runtime/docker_runtime.h"
#include "runtime/native_runtime.h"
#include "util/clock.h"
#include "util/os_user.h"

namespace velo::runtime {
namespace {

using Factory = Result<std::unique_ptr<Runtime>> (*)(const RuntimeDeps&);

Result<std::unique_ptr<Runtime>> make_native(const RuntimeDeps& deps) {
  VELO_ASSIGN_OR_RETURN(OsUser user, lookup_user(deps.os_user));
  return std::unique_ptr<Runtime>(
      std::make_unique<NativeRuntime>(deps.runner, user, "", real_clock(), deps.velo_link));
}

Result<std::unique_ptr<Runtime>> make_docker(const RuntimeDeps& deps) {
  VELO_ASSIGN_OR_RETURN(std::string socket, socket_path_from_docker_host(deps.docker_host.c_str()));
  return std::unique_ptr<Runtime>(std::make_unique<DockerRuntime>(socket, deps.home));
}

struct Row {
  const char* name;
  Factory factory;
};

constexpr std::array<Row, 2> kRuntimes = {{
    {"native", make_native},
    {"docker", make_docker},
}};

}  // namespace

Result<std::unique_ptr<Runtime>> make_runtime(const std::string& name, const RuntimeDeps& deps) {
  std::string known;
  for (const Row& row : kRuntimes) {
    if (name == row.name) return row.factory(deps);
    known += known.empty() ? row.name : std::string(", ") + row.name;
  }
  return make_error(ErrorKind::Invalid, "unknown runtime '{}' (known: {})", name, known);
}

}  // namespace velo::runtime
