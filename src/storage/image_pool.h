// File-backed pools for `velo init --image-file FILE --size 8G --fs FS`:
// the embedded default storage on machines without a copy-on-write
// filesystem, and the pools the end-to-end tests run on. Needs root.
//   zfs:   a pool on FILE as a file vdev (no loop device), named
//          "velo" + 8 hex digits of a hash of FILE's absolute path, with
//          the parent dataset <pool>/velo; driver zfs.
//   btrfs: FILE on a loop device, mkfs.btrfs, mounted; driver btrfs.
//   xfs:   FILE on a loop device, mkfs.xfs -m reflink=1, mounted; driver reflink.
#pragma once

#include <cstdint>
#include <string>

#include "storage/driver.h"
#include "util/clock.h"
#include "util/exec.h"
#include "util/result.h"

namespace velo::storage {

struct ImagePoolSpec {
  std::string image_file;  // made sparse; must not exist, or be empty
  uint64_t size_bytes = 0;
  std::string fs;          // zfs | btrfs | xfs
  std::string mountpoint;  // made if absent; must be an empty directory
};

// "8G", "512M", "1T", "4096": K/M/G/T are powers of 1024; a trailing "B"
// or "iB" is allowed ("8GiB"). Invalid for zero, fractions, overflow.
Result<uint64_t> parse_size(const std::string& text);

// The smallest image a filesystem takes (mkfs.xfs refuses less than
// 300 MiB, btrfs 128 MiB, a zfs vdev 64 MiB); 0 for an unknown one.
uint64_t minimum_image_size(const std::string& fs);

// The zfs pool name for an image file: "velo" + 8 hex digits (FNV-1a of
// the absolute path), so that two images never share a pool name.
std::string image_pool_name(const std::string& image_file);

// Makes the pool and returns the driver configuration to record, with
// image_file and image_fs set. On failure undoes everything it did: the
// pool or loop device, the mount, the file (only if it made it) and the
// mountpoint (only if it made it).
// `clock` paces the waits on a busy zfs-fuse, here and below.
Result<DriverConfig> create_image_pool(const ImagePoolSpec& spec, ProcessRunner& runner,
                                       Clock& clock = real_clock());

// Re-attaches a pool made by create_image_pool, e.g. after a reboot:
// `zpool import -d DIR` (starting zfs-fuse if needed), or losetup + mount.
// Ok at once when already attached; Ok when config has no image_file.
Status attach_image_pool(const DriverConfig& config, ProcessRunner& runner,
                         Clock& clock = real_clock());

// Destroys the pool and its data: zpool destroy, or umount and losetup -d;
// then removes the image file and the (empty) mountpoint. Skips what is
// already gone, so it is safe to repeat.
Status destroy_image_pool(const DriverConfig& config, ProcessRunner& runner,
                          Clock& clock = real_clock());

// Whether `path` is a mount point, from /proc/self/mountinfo.
bool is_mountpoint(const std::string& path);

}  // namespace velo::storage
