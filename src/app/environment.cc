#include "app/environment.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "core/history/pitr_time.h"
#include "core/import/import_hooks.h"
#include "pg/connection.h"
#include "runtime/registry.h"
#include "runtime/velo_link.h"
#include "state/store.h"
#include "storage/image_pool.h"
#include "util/fs.h"
#include "util/timings.h"

namespace velo::app {
namespace {

// Makes each runtime from the registry when a project first asks for it.
class RealRuntimeProvider : public core::RuntimeProvider {
 public:
  RealRuntimeProvider(ProcessRunner& runner, std::string os_user, std::string home,
                      std::string velo_link)
      : runner_(runner),
        os_user_(std::move(os_user)),
        home_(std::move(home)),
        velo_link_(std::move(velo_link)) {}

  Result<runtime::Runtime*> get(const std::string& kind) override {
    auto found = runtimes_.find(kind);
    if (found != runtimes_.end()) return found->second.get();
    const char* docker_host = std::getenv("DOCKER_HOST");
    runtime::RuntimeDeps deps{runner_, os_user_, home_, docker_host ? docker_host : "", velo_link_};
    VELO_ASSIGN_OR_RETURN(auto made, runtime::make_runtime(kind, deps));
    return (runtimes_[kind] = std::move(made)).get();
  }

 private:
  ProcessRunner& runner_;
  std::string os_user_;
  std::string home_;
  std::string velo_link_;
  std::map<std::string, std::unique_ptr<runtime::Runtime>> runtimes_;
};

}  // namespace

std::string resolve_home(const std::string& flag) {
  // Absolute: the home's path names its data root (a hash of it), which
  // must not depend on the directory velo runs in.
  auto absolute = [](const std::string& path) {
    std::string out = std::filesystem::absolute(path).lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
  };
  if (!flag.empty()) return absolute(flag);
  if (const char* env = std::getenv("VELO_HOME"); env && *env) return absolute(env);
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.velo";
}

void StderrReporter::step(const std::string& message) {
  if (enabled_) fmt::print(stderr, "velo: {}\n", message);
}

namespace {

// VELO_NOW=<RFC 3339> fixes the wall clock of this process: for tests of
// time-driven work (velo maintain). Read here only.
Result<std::unique_ptr<Clock>> make_clock() {
  const char* fixed = std::getenv("VELO_NOW");
  if (fixed == nullptr || *fixed == '\0')
    return std::unique_ptr<Clock>(std::make_unique<RealClock>());
  auto at = core::parse_rfc3339(fixed);
  if (!at.ok()) return make_error(ErrorKind::Invalid, "VELO_NOW: {}", at.error().message);
  return std::unique_ptr<Clock>(std::make_unique<FixedClock>(*at));
}

}  // namespace

struct Environment::Parts {
  RealProcessRunner runner;
  std::unique_ptr<Clock> clock;
  std::optional<state::Store> store;
  std::unique_ptr<storage::Driver> driver;
  std::unique_ptr<RealRuntimeProvider> runtimes;
  std::unique_ptr<StderrReporter> reporter;
  pg::LibpqClient pg;
  core::ImportHooks import_hooks;
};

Environment::~Environment() = default;

Result<std::unique_ptr<Environment>> Environment::open(const EnvironmentOptions& options) {
  timings::Scope span("open");  // state, config, pool attach, driver
  std::string home = resolve_home(options.home);
  const std::string db = home + "/state.db";
  if (::access(db.c_str(), R_OK | W_OK) != 0) {
    // Someone else's home (root's, 0700) is not an uninitialised one.
    if (errno == EACCES) {
      return make_error(ErrorKind::Unavailable,
                        "cannot use the velo home {} (permission denied): run velo as the user "
                        "who ran 'velo init' there, or give yourself a home of your own with "
                        "--home or VELO_HOME",
                        home);
    }
    return make_error(ErrorKind::NotFound, "velo is not initialised in {}: run 'velo init' first",
                      home);
  }
  std::unique_ptr<Environment> env(new Environment());
  env->parts_ = std::make_unique<Parts>();
  Parts& parts = *env->parts_;
  VELO_ASSIGN_OR_RETURN(auto store, state::Store::open(home));
  parts.store.emplace(std::move(store));
  VELO_ASSIGN_OR_RETURN(parts.clock, make_clock());
  VELO_ASSIGN_OR_RETURN(auto config, core::load_config(*parts.store));
  if (!config.storage.image_file.empty()) {
    VELO_TRY(storage::attach_image_pool(config.storage, parts.runner));
  }
  VELO_ASSIGN_OR_RETURN(parts.driver, storage::make_driver(config.storage, parts.runner));
  // Containers are labelled with the home: one spelling of it, whichever
  // path or symlink led here.
  std::error_code ec;
  const std::string canonical_home = std::filesystem::canonical(home, ec).string();
  // Servers run velo by a link in the data root (runtime/velo_link.h).
  std::string velo_link = config.data_root.empty() ? "" : runtime::velo_link_path(config.data_root);
  parts.runtimes = std::make_unique<RealRuntimeProvider>(
      parts.runner, config.os_user, ec ? home : canonical_home, std::move(velo_link));
  parts.reporter = std::make_unique<StderrReporter>(options.verbose || ::isatty(STDERR_FILENO));
  core::Reporter& reporter = options.reporter ? *options.reporter : *parts.reporter;
  env->ctx_.emplace(core::Context{home, *parts.store, parts.runner, *parts.clock, config,
                                  *parts.driver, *parts.runtimes, reporter, parts.pg,
                                  &parts.import_hooks});
  VELO_TRY(make_dirs(home + "/logs", 0700));
  return env;
}

}  // namespace velo::app
