// The driver registry: one row per driver. Adding a driver is a file, a
// row here, and nothing in CMake (src/ is globbed).
#include "storage/driver.h"

#include <linux/magic.h>
#include <sys/statfs.h>

#include <array>

#include "storage/btrfs_driver.h"
#include "storage/copy_driver.h"
#include "storage/reflink_driver.h"
#include "storage/zfs_driver.h"

namespace velo::storage {
namespace {

using Factory = Result<std::unique_ptr<Driver>> (*)(const DriverConfig&, ProcessRunner&);

Status require_path(const DriverConfig& config) {
  if (config.path.empty() || config.path.front() != '/') {
    return make_error(ErrorKind::Invalid, "storage {} needs an absolute --path (got '{}')",
                      config.kind, config.path);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Driver>> make_zfs(const DriverConfig& config, ProcessRunner& runner) {
  VELO_ASSIGN_OR_RETURN(auto driver, ZfsDriver::open(config.zfs_parent, runner));
  return std::unique_ptr<Driver>(std::move(driver));
}

Result<std::unique_ptr<Driver>> make_btrfs(const DriverConfig& config, ProcessRunner& runner) {
  VELO_TRY(require_path(config));
  return std::unique_ptr<Driver>(std::make_unique<BtrfsDriver>(config.path, runner));
}

Result<std::unique_ptr<Driver>> make_reflink(const DriverConfig& config, ProcessRunner& runner) {
  VELO_TRY(require_path(config));
  return std::unique_ptr<Driver>(std::make_unique<ReflinkDriver>(config.path, runner));
}

Result<std::unique_ptr<Driver>> make_copy(const DriverConfig& config, ProcessRunner&) {
  VELO_TRY(require_path(config));
  return std::unique_ptr<Driver>(std::make_unique<CopyDriver>(config.path));
}

struct Row {
  const char* name;
  Factory factory;
};

constexpr std::array<Row, 4> kDrivers = {{
    {"zfs", make_zfs},
    {"btrfs", make_btrfs},
    {"reflink", make_reflink},
    {"copy", make_copy},
}};

// The nearest existing directory at or above `path` (velo's home may not
// exist yet when init probes it).
std::string existing_ancestor(std::string path) {
  struct statfs fs;
  while (!path.empty() && statfs(path.c_str(), &fs) != 0) {
    size_t slash = path.find_last_of('/');
    path = slash == 0 ? "/" : (slash == std::string::npos ? "." : path.substr(0, slash));
    if (path == "/") break;
  }
  return path.empty() ? "." : path;
}

}  // namespace

Result<std::unique_ptr<Driver>> make_driver(const DriverConfig& config, ProcessRunner& runner) {
  std::string known;
  for (const Row& row : kDrivers) {
    if (config.kind == row.name) return row.factory(config, runner);
    known += known.empty() ? row.name : std::string(", ") + row.name;
  }
  return make_error(ErrorKind::Invalid, "unknown storage driver '{}' (known: {})", config.kind,
                    known);
}

std::string detect_best_driver(const std::string& path) {
  const std::string dir = existing_ancestor(path);
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) == 0 && fs.f_type == BTRFS_SUPER_MAGIC) return "btrfs";
  if (reflink_supported(dir)) return "reflink";
  return "copy";
}

}  // namespace velo::storage
