// velo init
#include <fmt/format.h>

#include "cli/command_table.h"
#include "cli/output.h"
#include "cli/timer_install.h"
#include "core/project/init.h"
#include "server/api_token.h"
#include "util/fs.h"

namespace velo::cli {
namespace {

struct InitArgs {
  core::InitOptions options;
  bool no_service = false;
};

// The systemd timer that runs velo maintain every minute, once the home
// is made (core/project/maintain_timer.h). Its failure warns and init
// still succeeds: the home is complete and usable without the timer,
// undoing its storage for the timer would lose more than it saves, and
// velo doctor keeps saying what is missing until something runs velo
// maintain.
nlohmann::json install_timer(const std::string& home, bool skip, bool json) {
  core::TimerInstall outcome;
  core::SystemdHost host = core::SystemdHost::from_environment();
  if (skip) {
    outcome.reason = "--no-service";
  } else {
    auto installed = install_home_timer(home, host);
    if (installed.ok()) {
      outcome = *installed;
    } else {
      outcome.reason = installed.error().message;
      fmt::print(stderr, "velo: warning: no maintain timer installed: {}; {}\n", outcome.reason,
                 kMaintainByHand);
    }
  }
  if (!json && outcome.installed) {
    fmt::print("installed {} in {}: systemd runs velo maintain every minute\n", outcome.timer,
               host.unit_dir);
  } else if (!json && (skip || outcome.reason == core::kNoSystemd)) {
    fmt::print("no maintain timer installed ({}): {}\n", outcome.reason, kMaintainByHand);
  }
  return {{"installed", outcome.installed},
          {"unit", outcome.installed ? nlohmann::json(outcome.timer) : nlohmann::json()},
          {"reason", outcome.installed ? nlohmann::json() : nlohmann::json(outcome.reason)}};
}

void declare_init(CLI::App& cmd, InitArgs& args) {
  core::InitOptions& options = args.options;
  cmd.add_option("--storage", options.storage, "auto|zfs|btrfs|reflink|copy (default auto)");
  cmd.add_option("--zfs-parent", options.zfs_parent, "zfs: parent dataset, e.g. tank/velo");
  cmd.add_option("--path", options.path, "btrfs, reflink, copy: directory for branch data");
  cmd.add_option("--image-file", options.image_file, "create a file-backed pool here (root)");
  cmd.add_option("--size", options.image_size, "size of the image file (default 8G)");
  cmd.add_option("--fs", options.image_fs, "filesystem of the image: zfs|btrfs|xfs");
  cmd.add_option("--port-range", options.port_range, "ports for branches (default 54300-54999)");
  cmd.add_option("--reserve", options.reserve,
                 "free share of the pool that create, reset and snapshot keep (default 5%)");
  cmd.add_option("--os-user", options.os_user, "OS user servers run as (root default: postgres)");
  cmd.add_flag("--no-service", args.no_service,
               "install no systemd timer for velo maintain (run it yourself)");
}

Status init(const GlobalOptions& global, const InitArgs& args) {
  core::InitOptions options = args.options;
  options.home = app::resolve_home(global.home);
  if (options.storage == "auto" && !options.image_fs.empty()) {
    options.storage = options.image_fs == "xfs" ? "reflink" : options.image_fs;
  }
  bool fresh_home = !path_exists(options.home);
  std::string db_path = options.home + "/state.db";
  bool fresh_db = !path_exists(db_path);
  VELO_TRY(make_dirs(options.home, 0700));
  auto store = state::Store::open(options.home);
  if (!store.ok()) return store.error();
  RealProcessRunner runner;
  auto result = core::init_home(*store, runner, options);
  if (!result.ok()) {
    // Bad input changes nothing.
    if (fresh_home) {
      (void)remove_tree(options.home);
    } else if (fresh_db) {
      for (const char* suffix : {"", "-wal", "-shm"}) (void)remove_tree(db_path + suffix);
    }
    return result.error();
  }
  // The bearer token of velo serve's API (server/api_token.h).
  VELO_TRY(server::ensure_token(options.home));
  if (!global.json) {
    fmt::print("initialised {} with {} storage at {}\n", options.home, result->storage,
               result->location);
  }
  nlohmann::json maintain = install_timer(options.home, args.no_service, global.json);
  if (global.json) {
    print_json({{"home", options.home},
                {"storage", result->storage},
                {"location", result->location},
                {"data_root", result->data_root},
                {"maintain", maintain}});
  }
  return Status::Ok();
}

}  // namespace

CommandTable init_commands() {
  return {command<InitArgs>({"init"}, "set up a velo home: storage, ports, server user",
                            declare_init, init)};
}

}  // namespace velo::cli
