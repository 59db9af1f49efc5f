#include "storage/image_pool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "storage/zfs_driver.h"
#include "util/fs.h"
#include "util/os_error.h"

namespace velo::storage {
namespace {

// Undo actions run in reverse unless commit() was called.
class Rollback {
 public:
  ~Rollback() {
    if (committed_) return;
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  }
  void add(std::function<void()> undo) { undo_.push_back(std::move(undo)); }
  void commit() { committed_ = true; }

 private:
  std::vector<std::function<void()>> undo_;
  bool committed_ = false;
};

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

Result<ExecResult> run(ProcessRunner& runner, std::vector<std::string> argv) {
  Command command;
  command.argv = std::move(argv);
  return run_checked(runner, command);
}

// Exit status only, for probes and best-effort undo.
bool succeeds(ProcessRunner& runner, std::vector<std::string> argv) {
  Command command;
  command.argv = std::move(argv);
  auto result = runner.run(command);
  return result.ok() && result->exit_code == 0;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string pool_of(const DriverConfig& config) {
  return config.zfs_parent.substr(0, config.zfs_parent.find('/'));
}

// Loop devices backing `file`, from `losetup -j FILE`.
std::vector<std::string> loops_of(ProcessRunner& runner, const std::string& file) {
  Command command;
  command.argv = {"losetup", "-j", file};
  auto result = runner.run(command);
  std::vector<std::string> devices;
  if (!result.ok() || result->exit_code != 0) return devices;
  for (const auto& line : split_lines(result->out)) {
    size_t colon = line.find(':');
    if (colon != std::string::npos) devices.push_back(line.substr(0, colon));
  }
  return devices;
}

// zfs-fuse reports "pool is busy" for a moment after its datasets were in
// use; poll instead of failing.
Status destroy_zpool(ProcessRunner& runner, Clock& clock, const std::string& pool) {
  auto deadline = clock.monotonic() + std::chrono::seconds(15);
  for (;;) {
    Command command;
    command.argv = {"zpool", "destroy", "-f", pool};
    VELO_ASSIGN_OR_RETURN(ExecResult result, runner.run(command));
    if (result.exit_code == 0) return Status::Ok();
    Error error = zfs_error("zpool destroy " + pool, result);
    if (error.kind != ErrorKind::Busy || clock.monotonic() > deadline) return error;
    clock.sleep_for(std::chrono::milliseconds(100));
  }
}

Result<DriverConfig> create_zfs_pool(const ImagePoolSpec& spec, const std::string& file,
                                     const std::string& mountpoint, ProcessRunner& runner,
                                     Clock& clock, Rollback& rollback) {
  VELO_TRY(ensure_zfs_available(runner, clock));
  const std::string pool = image_pool_name(file);
  if (succeeds(runner, {"zpool", "list", "-H", "-o", "name", pool})) {
    return make_error(ErrorKind::Conflict, "zfs pool {} for {} exists already", pool,
                      spec.image_file);
  }
  VELO_TRY(run(runner, {"zpool", "create", "-f", "-m", mountpoint, pool, file}));
  rollback.add([&runner, &clock, pool] { (void)destroy_zpool(runner, clock, pool); });
  // Inherited by every volume and clone below it (zfs_driver.cc).
  VELO_TRY(run(runner, {"zfs", "create", "-o", "compression=on", pool + "/velo"}));
  DriverConfig config;
  config.kind = "zfs";
  config.zfs_parent = pool + "/velo";
  config.path = mountpoint;
  return config;
}

// btrfs compresses what is worth it (zstd); XFS has no compression. XFS
// gets project quotas (prjquota), which branch caps need (--max-size) and
// which XFS takes only at mount time: every mount, at create and at each
// attach after a reboot, asks for them. A kernel without XFS quotas
// (CONFIG_XFS_QUOTA) refuses the option; the pool is then mounted without
// it, and a cap is refused with the reason (storage/xfs_quota.h).
Status mount_loop(ProcessRunner& runner, const std::string& fs, const std::string& device,
                  const std::string& mountpoint) {
  std::vector<std::string> argv = {"mount", device, mountpoint};
  if (fs == "btrfs") argv = {"mount", "-o", "compress=zstd", device, mountpoint};
  if (fs == "xfs" && succeeds(runner, {"mount", "-o", "prjquota", device, mountpoint})) {
    return Status::Ok();
  }
  auto mounted = run(runner, argv);
  return mounted.ok() ? Status::Ok() : Status(mounted.error());
}

Result<DriverConfig> create_loop_pool(const ImagePoolSpec& spec, const std::string& file,
                                      const std::string& mountpoint, ProcessRunner& runner,
                                      Rollback& rollback) {
  VELO_ASSIGN_OR_RETURN(ExecResult loop, run(runner, {"losetup", "--find", "--show", file}));
  const std::string device = trim(loop.out);
  if (!device.starts_with("/dev/")) {
    return make_error(ErrorKind::Io, "losetup printed no device for {}: '{}'", file, device);
  }
  rollback.add([&runner, device] { (void)succeeds(runner, {"losetup", "-d", device}); });
  // btrfs quotas stay off, though branch caps need them: quota groups made
  // branch create 31 % and delete 15 % slower (bench/quota, README's
  // "Branch size caps"); a user who wants caps runs `btrfs quota enable`.
  if (spec.fs == "btrfs") {
    VELO_TRY(run(runner, {"mkfs.btrfs", "-q", device}));
  } else {
    VELO_TRY(run(runner, {"mkfs.xfs", "-q", "-m", "reflink=1", device}));
  }
  VELO_TRY(mount_loop(runner, spec.fs, device, mountpoint));
  rollback.add([&runner, mountpoint] { (void)succeeds(runner, {"umount", mountpoint}); });
  DriverConfig config;
  config.kind = spec.fs == "btrfs" ? "btrfs" : "reflink";
  config.path = mountpoint;
  return config;
}

// Makes the sparse file; records whether we made it.
Status create_image_file(const std::string& file, uint64_t size, bool* created) {
  *created = false;
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    *created = true;
  } else {
    struct stat st;
    if (errno != EEXIST || stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size != 0) {
      if (errno == EEXIST) {
        return make_error(ErrorKind::Conflict,
                          "image file {} exists already: velo makes a new pool file and never "
                          "writes over one (remove it or choose another path; the home that "
                          "made it re-attaches it by itself)",
                          file);
      }
      return os_error(errno, fmt::format("image file {} cannot be made", file),
                      ErrorKind::Conflict);
    }
    fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return os_error(errno, "cannot open " + file);
  }
  int rc = ftruncate(fd, static_cast<off_t>(size));
  int saved = errno;
  close(fd);
  if (rc != 0) return os_error(saved, "cannot size " + file);
  return Status::Ok();
}

}  // namespace

Result<uint64_t> parse_size(const std::string& text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    uint64_t digit = text[i] - '0';
    if (value > (UINT64_MAX - digit) / 10)
      return make_error(ErrorKind::Invalid, "size '{}' is too large", text);
    value = value * 10 + digit;
    i++;
  }
  if (i == 0) return make_error(ErrorKind::Invalid, "invalid size '{}' (e.g. 8G, 512M)", text);
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = -1;
  const std::string units = "KMGT";
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (size_t k = units.find(unit[0]); k != std::string::npos) {
    std::string rest = unit.substr(1);
    if (rest.empty() || rest == "B" || rest == "IB") shift = 10 * static_cast<int>(k + 1);
  }
  if (shift < 0)
    return make_error(ErrorKind::Invalid, "invalid size unit in '{}' (use K, M, G or T)", text);
  if (value == 0) return make_error(ErrorKind::Invalid, "size '{}' is zero", text);
  if (shift > 0 && value > (UINT64_MAX >> shift)) {
    return make_error(ErrorKind::Invalid, "size '{}' is too large", text);
  }
  return value << shift;
}

uint64_t minimum_image_size(const std::string& fs) {
  if (fs == "xfs") return 300ull << 20;  // mkfs.xfs refuses smaller
  if (fs == "btrfs") return 128ull << 20;
  if (fs == "zfs") return 64ull << 20;  // zfs's smallest vdev
  return 0;
}

std::string image_pool_name(const std::string& image_file) {
  uint32_t hash = 2166136261u;  // FNV-1a: stable across builds and machines
  for (unsigned char c : absolute(image_file)) {
    hash ^= c;
    hash *= 16777619u;
  }
  return fmt::format("velo{:08x}", hash);
}

Result<DriverConfig> create_image_pool(const ImagePoolSpec& spec, ProcessRunner& runner,
                                       Clock& clock) {
  if (spec.fs != "zfs" && spec.fs != "btrfs" && spec.fs != "xfs") {
    return make_error(ErrorKind::Invalid, "--fs must be zfs, btrfs or xfs (got '{}')", spec.fs);
  }
  if (spec.image_file.empty() || spec.mountpoint.empty()) {
    return make_error(ErrorKind::Invalid, "an image pool needs an image file and a mountpoint");
  }
  if (spec.size_bytes < minimum_image_size(spec.fs)) {
    return make_error(ErrorKind::Invalid, "--size must be at least {} MiB for {}",
                      minimum_image_size(spec.fs) >> 20, spec.fs);
  }
  const std::string file = absolute(spec.image_file);
  const std::string mountpoint = absolute(spec.mountpoint);
  Rollback rollback;

  if (path_exists(mountpoint)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(mountpoint, ec) ||
        !std::filesystem::is_empty(mountpoint, ec) || is_mountpoint(mountpoint)) {
      return make_error(ErrorKind::Conflict, "mountpoint {} must be an empty directory",
                        mountpoint);
    }
  } else {
    VELO_TRY(make_dirs(mountpoint, 0755));
    rollback.add([mountpoint] { rmdir(mountpoint.c_str()); });
  }
  // The image's directory, and the undo of what that made.
  std::string made_dir;
  for (auto dir = std::filesystem::path(file).parent_path(); !path_exists(dir.string());
       dir = dir.parent_path()) {
    made_dir = dir.string();
  }
  VELO_TRY(make_dirs(std::filesystem::path(file).parent_path().string(), 0700));
  if (!made_dir.empty()) rollback.add([made_dir] { (void)remove_tree(made_dir); });
  bool created = false;
  VELO_TRY(create_image_file(file, spec.size_bytes, &created));
  if (created) rollback.add([file] { unlink(file.c_str()); });

  auto config = spec.fs == "zfs" ? create_zfs_pool(spec, file, mountpoint, runner, clock, rollback)
                                 : create_loop_pool(spec, file, mountpoint, runner, rollback);
  if (!config.ok()) return config.error();
  config->image_file = file;
  config->image_fs = spec.fs;
  rollback.commit();
  return config;
}

Status attach_image_pool(const DriverConfig& config, ProcessRunner& runner, Clock& clock) {
  if (config.image_file.empty()) return Status::Ok();
  if (!path_exists(config.image_file)) {
    return make_error(ErrorKind::NotFound, "image file {} is missing", config.image_file);
  }
  if (config.image_fs == "zfs") {
    // Every command opens the pool this way: answer from /proc/mounts
    // when the parent dataset is mounted, instead of asking zfs-fuse.
    if (!mountpoint_of_source(config.zfs_parent).empty()) return Status::Ok();
    VELO_TRY(ensure_zfs_available(runner, clock));
    const std::string pool = pool_of(config);
    if (succeeds(runner, {"zpool", "list", "-H", "-o", "name", pool})) return Status::Ok();
    const std::string dir = std::filesystem::path(config.image_file).parent_path().string();
    VELO_TRY(run(runner, {"zpool", "import", "-d", dir, pool}));
    return Status::Ok();
  }
  if (is_mountpoint(config.path)) return Status::Ok();
  std::vector<std::string> loops = loops_of(runner, config.image_file);
  std::string device;
  if (!loops.empty()) {
    device = loops.front();
  } else {
    VELO_ASSIGN_OR_RETURN(ExecResult loop,
                          run(runner, {"losetup", "--find", "--show", config.image_file}));
    device = trim(loop.out);
  }
  VELO_TRY(make_dirs(config.path, 0755));
  VELO_TRY(mount_loop(runner, config.image_fs, device, config.path));
  return Status::Ok();
}

Status destroy_image_pool(const DriverConfig& config, ProcessRunner& runner, Clock& clock) {
  if (config.image_file.empty()) {
    return make_error(ErrorKind::Invalid, "storage at {} is not an image pool", config.path);
  }
  if (config.image_fs == "zfs") {
    const std::string pool = pool_of(config);
    if (succeeds(runner, {"zpool", "list", "-H", "-o", "name", pool})) {
      VELO_TRY(destroy_zpool(runner, clock, pool));
    }
  } else {
    if (!config.path.empty() && is_mountpoint(config.path)) {
      // A lazy unmount as the last resort: a stray process (a test's
      // server) must not keep a loop device and image alive forever.
      if (!succeeds(runner, {"umount", config.path}))
        VELO_TRY(run(runner, {"umount", "-l", config.path}));
    }
    for (const auto& device : loops_of(runner, config.image_file)) {
      VELO_TRY(run(runner, {"losetup", "-d", device}));
    }
  }
  if (unlink(config.image_file.c_str()) != 0 && errno != ENOENT) {
    return os_error(errno, "cannot remove " + config.image_file);
  }
  if (!config.path.empty()) rmdir(config.path.c_str());  // only if empty; fine if not
  return Status::Ok();
}

bool is_mountpoint(const std::string& path) {
  auto info = read_file("/proc/self/mountinfo");
  if (!info.ok()) return false;
  const std::string wanted = absolute(path);
  for (const auto& line : split_lines(*info)) {
    // Fields: id parent major:minor root mountpoint ...; octal escapes (\040).
    size_t pos = 0;
    for (int field = 0; field < 4 && pos != std::string::npos; field++)
      pos = line.find(' ', pos + 1);
    if (pos == std::string::npos) continue;
    size_t end = line.find(' ', pos + 1);
    std::string raw = line.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
    std::string point;
    for (size_t i = 0; i < raw.size(); i++) {
      bool escape = raw[i] == '\\' && i + 3 < raw.size();
      if (escape) {
        for (size_t j = 1; j <= 3; j++) escape = escape && raw[i + j] >= '0' && raw[i + j] <= '7';
      }
      if (escape) {
        point += static_cast<char>((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 +
                                   (raw[i + 3] - '0'));
        i += 3;
      } else {
        point += raw[i];
      }
    }
    if (point == wanted) return true;
  }
  return false;
}

}  // namespace velo::storage
