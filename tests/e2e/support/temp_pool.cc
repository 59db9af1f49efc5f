#include "support/temp_pool.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "storage/dir_layout.h"
#include "storage/image_pool.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

bool have_tool(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin:/bin";
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

bool kernel_has(const std::string& fs) {
  auto filesystems = read_file("/proc/filesystems");
  return filesystems.ok() && filesystems->find("\t" + fs + "\n") != std::string::npos;
}

std::string missing_tools(std::initializer_list<const char*> tools) {
  for (const char* tool : tools) {
    if (!have_tool(tool)) return std::string("tool '") + tool + "' is not installed";
  }
  return "";
}

// Pools left by a test binary that was killed (its pid is gone): destroy
// them, so that a crashed run does not leak loop devices and zpools into
// the next one. Runs once per process.
void sweep_stale_pools(ProcessRunner& runner) {
  static bool swept = false;
  if (swept) return;
  swept = true;
  auto entries = storage::list_dir("/tmp");
  if (!entries.ok()) return;
  for (const auto& name : *entries) {
    // velo-e2e-<fs>-<pid>-<nanos>
    if (!name.starts_with("velo-e2e-")) continue;
    std::istringstream parts(name.substr(9));
    std::string fs, pid;
    if (!std::getline(parts, fs, '-') || !std::getline(parts, pid, '-')) continue;
    pid_t owner = static_cast<pid_t>(std::atol(pid.c_str()));
    if (owner <= 0 || kill(owner, 0) == 0 || errno != ESRCH) continue;
    const std::string dir = "/tmp/" + name;
    if (fs != "copy" && path_exists(dir + "/pool.img")) {
      storage::DriverConfig stale;
      stale.image_file = dir + "/pool.img";
      stale.image_fs = fs;
      stale.path = dir + "/mnt";
      stale.zfs_parent = storage::image_pool_name(stale.image_file) + "/velo";
      (void)storage::destroy_image_pool(stale, runner);
    }
    if (!storage::is_mountpoint(dir + "/mnt")) (void)remove_tree(dir);
  }
}

}  // namespace

const std::vector<std::string>& pool_kinds() {
  static const std::vector<std::string> kinds = {"zfs", "btrfs", "xfs", "copy"};
  return kinds;
}

bool long_run() {
  const char* value = std::getenv("VELO_TEST_LONG");
  return value != nullptr && *value != '\0' && std::string(value) != "0";
}

std::vector<std::string> kinds_for_run(std::vector<std::string> kinds) {
  return long_run() ? pool_kinds() : kinds;
}

std::string pool_unavailable_reason(const std::string& fs) {
  if (fs == "copy") return "";
  if (geteuid() != 0) return fs + " pools need root (loop devices, mounts, zpool)";
  if (fs == "zfs") {
    std::string missing = missing_tools({"zpool", "zfs"});
    if (!missing.empty()) return missing + " (apt-get install zfs-fuse)";
    if (access("/dev/zfs", F_OK) != 0 && !have_tool("zfs-fuse")) {
      return "no zfs kernel module and no zfs-fuse (apt-get install zfs-fuse)";
    }
    if (access("/dev/zfs", F_OK) != 0 && access("/dev/fuse", F_OK) != 0) {
      return "zfs-fuse needs /dev/fuse, which is missing";
    }
    return "";
  }
  if (fs == "btrfs" || fs == "xfs") {
    std::string missing = fs == "btrfs" ? missing_tools({"mkfs.btrfs", "btrfs", "losetup", "mount"})
                                        : missing_tools({"mkfs.xfs", "losetup", "mount"});
    if (!missing.empty()) return missing;
    if (!kernel_has(fs)) return "the kernel has no " + fs + " filesystem";
    if (access("/dev/loop-control", F_OK) != 0) return "no loop devices (/dev/loop-control)";
    return "";
  }
  return "unknown pool kind '" + fs + "'";
}

Result<std::unique_ptr<TempPool>> TempPool::create(const std::string& fs, uint64_t size_bytes) {
  {
    RealProcessRunner runner;
    if (geteuid() == 0) sweep_stale_pools(runner);
  }
  auto nanos = std::chrono::steady_clock::now().time_since_epoch().count();
  std::string dir =
      "/tmp/velo-e2e-" + fs + "-" + std::to_string(getpid()) + "-" + std::to_string(nanos);
  VELO_TRY(make_dirs(dir, 0755));
  chmod(dir.c_str(), 0755);  // whatever the umask
  std::unique_ptr<TempPool> pool(new TempPool(fs, dir));
  if (fs == "copy") {
    pool->config_.kind = "copy";
    pool->config_.path = dir + "/root";
    VELO_TRY(make_dirs(pool->config_.path, 0755));
    return pool;
  }
  storage::ImagePoolSpec spec{dir + "/pool.img", size_bytes, fs, dir + "/mnt"};
  // On failure create_image_pool undoes itself; the destructor removes dir.
  VELO_ASSIGN_OR_RETURN(pool->config_, storage::create_image_pool(spec, pool->runner_));
  return pool;
}

TempPool::~TempPool() {
  if (!config_.image_file.empty()) {
    Status destroyed = storage::destroy_image_pool(config_, runner_);
    if (!destroyed.ok()) {
      fprintf(stderr, "TempPool: cleanup of %s failed: %s\n", dir_.c_str(),
              destroyed.error().message.c_str());
    }
  }
  // Never recurse into a mount that is still there: its data is not ours to
  // delete file by file, and it would fail anyway.
  if (config_.image_file.empty() || !storage::is_mountpoint(dir_ + "/mnt")) (void)remove_tree(dir_);
}

std::vector<std::string> TempPool::init_args() const {
  if (config_.kind == "zfs")
    return {"init", "--storage", "zfs", "--zfs-parent", config_.zfs_parent};
  return {"init", "--storage", config_.kind, "--path", config_.path};
}

}  // namespace velo::e2e
