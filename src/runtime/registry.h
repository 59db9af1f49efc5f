// The runtime registry: one row per runtime, as storage/driver.cc has one
// per storage driver. Adding a runtime is a file and a row in registry.cc.
#pragma once

#include <memory>
#include <string>

#include "runtime/runtime.h"
#include "util/exec.h"
#include "util/result.h"

namespace velo::runtime {

// What the runtimes are made from; each takes the fields it needs.
struct RuntimeDeps {
  ProcessRunner& runner;
  std::string os_user;      // native: the account servers run as
  std::string home;         // docker: the velo home its containers are labelled with
  std::string docker_host;  // docker: $DOCKER_HOST ("" for the default socket)
  std::string velo_link;    // native: the link servers run velo by ("": none)
};

// Makes the runtime called `name`: Invalid, naming the known ones, for any
// other name; the runtime's own error when it cannot be made (an unknown
// OS user, a DOCKER_HOST that is not a unix socket).
Result<std::unique_ptr<Runtime>> make_runtime(const std::string& name, const RuntimeDeps& deps);

}  // namespace velo::runtime
