#include "core/project/init.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/config.h"
#include "core/undo.h"
#include "runtime/velo_link.h"
#include "storage/driver.h"
#include "storage/image_pool.h"
#include "util/fs.h"
#include "util/os_user.h"

namespace velo::core {
namespace {

// The image pool's size, 8G unless --size says otherwise, at least what
// its filesystem needs: checked before anything is made.
Result<uint64_t> image_size(const InitOptions& o) {
  VELO_ASSIGN_OR_RETURN(uint64_t size,
                        storage::parse_size(o.image_size.empty() ? "8G" : o.image_size));
  uint64_t minimum = storage::minimum_image_size(o.image_fs);
  if (size < minimum) {
    return make_error(ErrorKind::Invalid, "--size must be at least {} MiB for {}", minimum >> 20,
                      o.image_fs);
  }
  return size;
}

Status validate(const InitOptions& o) {
  static const char* kinds[] = {"auto", "zfs", "btrfs", "reflink", "copy"};
  bool known = false;
  for (const char* kind : kinds) known = known || o.storage == kind;
  if (!known) {
    return make_error(ErrorKind::Invalid,
                      "unknown storage '{}': use auto, zfs, btrfs, reflink or copy", o.storage);
  }
  if (!o.image_file.empty()) {
    if (o.image_fs != "zfs" && o.image_fs != "btrfs" && o.image_fs != "xfs") {
      return make_error(ErrorKind::Invalid, "--image-file needs --fs zfs, btrfs or xfs");
    }
    if (!o.zfs_parent.empty() || !o.path.empty()) {
      return make_error(ErrorKind::Invalid, "--image-file excludes --zfs-parent and --path");
    }
  }
  if (o.storage == "zfs" && o.image_file.empty() && o.zfs_parent.empty()) {
    return make_error(ErrorKind::Invalid,
                      "--storage zfs needs --zfs-parent POOL/DATASET or --image-file");
  }
  if (!o.zfs_parent.empty() && o.storage != "zfs") {
    return make_error(ErrorKind::Invalid, "--zfs-parent goes with --storage zfs");
  }
  if (!o.path.empty() && o.path.front() != '/') {
    return make_error(ErrorKind::Invalid, "--path must be absolute (got '{}')", o.path);
  }
  if (o.image_file.empty() && !o.image_size.empty()) {
    return make_error(ErrorKind::Invalid, "--size goes with --image-file");
  }
  if (!o.image_file.empty()) VELO_TRY(image_size(o));
  return Status::Ok();
}

// Makes `path` and every missing parent; the undo removes the topmost
// directory it made, so that a failed init leaves no directory behind.
Status make_dirs_undoably(const std::string& path, mode_t mode, UndoStack& undo) {
  std::string topmost;
  for (std::filesystem::path p = path; !p.empty() && !path_exists(p.string());
       p = p.parent_path()) {
    topmost = p.string();
    if (p == p.parent_path()) break;
  }
  VELO_TRY(make_dirs(path, mode));
  if (!topmost.empty()) undo.push(topmost, [topmost] { return remove_tree(topmost); });
  return Status::Ok();
}

Result<storage::DriverConfig> choose_storage(ProcessRunner& runner, const InitOptions& o,
                                             const std::string& data_root, UndoStack& undo) {
  if (!o.image_file.empty()) {
    VELO_ASSIGN_OR_RETURN(uint64_t size, image_size(o));
    storage::ImagePoolSpec spec{o.image_file, size, o.image_fs, data_root + "/pool"};
    return storage::create_image_pool(spec, runner);
  }
  storage::DriverConfig config;
  config.kind = o.storage;
  if (o.storage == "zfs") {
    config.zfs_parent = o.zfs_parent;
    return config;
  }
  config.path = o.path.empty() ? data_root + "/storage" : o.path;
  VELO_TRY(make_dirs_undoably(config.path, 0711, undo));
  if (o.storage == "auto") config.kind = storage::detect_best_driver(config.path);
  return config;
}

}  // namespace

// FNV-1a, folded to 32 bits.
std::string home_hash(const std::string& home) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : home) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:08x}", static_cast<uint32_t>(hash ^ (hash >> 32)));
}

std::string default_data_root(const std::string& home, bool separate_user) {
  if (!separate_user) return home + "/data";
  return "/var/lib/velo/" + home_hash(home);
}

Result<InitResult> init_home(state::Store& store, ProcessRunner& runner, const InitOptions& o) {
  VELO_TRY(validate(o));
  Config config;
  if (!o.port_range.empty()) VELO_TRY(parse_port_range(o.port_range, config));
  if (!o.reserve.empty()) VELO_TRY(parse_reserve(o.reserve, config));
  auto existing = load_config(store);
  if (existing.ok()) {
    return make_error(ErrorKind::Conflict,
                      "{} is already initialised (storage {}); use another "
                      "--home for another setup",
                      o.home, existing->storage.kind);
  }
  OsUser self = current_user();
  config.os_user = o.os_user.empty() ? (running_as_root() ? "postgres" : self.name) : o.os_user;
  VELO_ASSIGN_OR_RETURN(OsUser server_user, lookup_user(config.os_user));
  if (running_as_root() && server_user.uid == 0) {
    return make_error(ErrorKind::Invalid, "PostgreSQL refuses to run as root: pick --os-user");
  }
  if (!running_as_root() && server_user.uid != self.uid) {
    return make_error(ErrorKind::Invalid, "running servers as {} needs root", config.os_user);
  }
  config.data_root = default_data_root(o.home, server_user.uid != self.uid);
  // What is made here goes again if a later step fails: init changes
  // nothing unless it succeeds.
  UndoStack undo;
  VELO_TRY(make_dirs_undoably(config.data_root, 0711, undo));
  // The link servers run velo by is the home's from the start: a later
  // command that fails leaves the home's files as it found them.
  VELO_TRY(
      runtime::refresh_link(runtime::velo_link_path(config.data_root), runtime::self_executable()));
  VELO_ASSIGN_OR_RETURN(config.storage, choose_storage(runner, o, config.data_root, undo));
  if (!config.storage.image_file.empty()) {
    undo.push("the image pool",
              [&] { return storage::destroy_image_pool(config.storage, runner); });
  }
  VELO_ASSIGN_OR_RETURN(auto driver, storage::make_driver(config.storage, runner));
  VELO_TRY(driver->check());
  VELO_TRY(save_config(store, config));
  undo.commit();
  std::string location =
      config.storage.kind == "zfs" ? config.storage.zfs_parent : config.storage.path;
  return InitResult{config.storage.kind, location, config.data_root};
}

}  // namespace velo::core
