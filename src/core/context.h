// Everything an operation needs, passed in by the caller (the CLI builds
// the real one; unit tests build one from fakes).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/cluster_hooks.h"
#include "core/config.h"
#include "pg/client.h"
#include "runtime/runtime.h"
#include "state/store.h"
#include "storage/driver.h"
#include "util/clock.h"
#include "util/exec.h"

namespace velo::core {

// Progress of long work, for a person watching (stderr).
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void step(const std::string& message) = 0;
};

class SilentReporter : public Reporter {
 public:
  void step(const std::string&) override {}
};

// Hands out the runtime that a project uses ("native" or "docker").
class RuntimeProvider {
 public:
  virtual ~RuntimeProvider() = default;
  virtual Result<runtime::Runtime*> get(const std::string& kind) = 0;
};

struct Context {
  std::string home;
  state::Store& store;
  ProcessRunner& runner;
  Clock& clock;
  Config config;
  storage::Driver& driver;
  RuntimeProvider& runtimes;
  Reporter& reporter;
  pg::Client& pg;  // every PostgreSQL session and ping of core
  // What kinds of cluster other than initdb's need (imports); none in
  // tests that make no such clusters.
  const ClusterHooks* cluster_hooks = nullptr;
};

}  // namespace velo::core
