#include "storage/copy_driver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::storage {
namespace {

bool is_dir(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status rename_path(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return os_error(errno, fmt::format("cannot rename {} to {}", from, to));
  }
  return Status::Ok();
}

}  // namespace

Status CopyDriver::volume_exists(const std::string& volume) const {
  VELO_TRY(validate_name("volume", volume));
  if (!is_dir(layout_.volume(volume))) {
    return make_error(ErrorKind::NotFound, "volume {} not found in {}", volume, layout_.root());
  }
  return Status::Ok();
}

Status CopyDriver::set_size_limit(const std::string&, std::optional<uint64_t>) {
  return size_limits_supported();
}

Status CopyDriver::size_limits_supported() {
  return make_error(ErrorKind::Unavailable,
                    "the copy driver has no quotas: --max-size needs zfs, btrfs or XFS (reflink) "
                    "storage");
}

Status CopyDriver::copy_into_place(const std::string& src, const std::string& dst) {
  const std::string partial = dst + ".partial";
  VELO_TRY(remove_tree(partial));  // debris of an earlier crash
  auto copied = copy_tree(src, partial, mode_);
  if (copied.ok()) {
    Status renamed = rename_path(partial, dst);
    if (renamed.ok()) return Status::Ok();
    copied = renamed.error();
  }
  (void)remove_tree(partial);
  return copied.error();
}

Status CopyDriver::create_volume(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(layout_.ensure_dirs());
  const std::string path = layout_.volume(volume);
  if (mkdir(path.c_str(), 0755) != 0) {
    if (errno == EEXIST) return make_error(ErrorKind::Conflict, "volume {} already exists", volume);
    return os_error(errno, "cannot create " + path);
  }
  return Status::Ok();
}

Status CopyDriver::destroy_volume(const std::string& volume) {
  VELO_TRY(volume_exists(volume));
  // Snapshots first: if we stop midway the volume is still there for gc.
  VELO_ASSIGN_OR_RETURN(auto snapshots, layout_.list_snapshots(volume));
  for (const auto& s : snapshots) VELO_TRY(remove_tree(layout_.snapshot(volume, s)));
  return remove_tree(layout_.volume(volume));
}

Status CopyDriver::snapshot(const std::string& volume, const std::string& snapshot) {
  VELO_TRY(volume_exists(volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(layout_.ensure_dirs());
  const std::string dst = layout_.snapshot(volume, snapshot);
  if (path_exists(dst)) {
    return make_error(ErrorKind::Conflict, "snapshot {}@{} already exists", volume, snapshot);
  }
  return copy_into_place(layout_.volume(volume), dst);
}

Status CopyDriver::destroy_snapshot(const std::string& volume, const std::string& snapshot) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  const std::string path = layout_.snapshot(volume, snapshot);
  if (!is_dir(path)) {
    return make_error(ErrorKind::NotFound, "snapshot {}@{} not found", volume, snapshot);
  }
  // Renamed first, so that a half-removed tree never passes for a snapshot.
  const std::string doomed = path + ".partial";
  VELO_TRY(remove_tree(doomed));
  VELO_TRY(rename_path(path, doomed));
  return remove_tree(doomed);
}

Status CopyDriver::clone(const std::string& volume, const std::string& snapshot,
                         const std::string& new_volume) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(validate_name("volume", new_volume));
  const std::string src = layout_.snapshot(volume, snapshot);
  if (!is_dir(src)) {
    return make_error(ErrorKind::NotFound, "snapshot {}@{} not found", volume, snapshot);
  }
  const std::string dst = layout_.volume(new_volume);
  if (path_exists(dst)) {
    return make_error(ErrorKind::Conflict, "volume {} already exists", new_volume);
  }
  VELO_TRY(layout_.ensure_dirs());
  return copy_into_place(src, dst);
}

Status CopyDriver::recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                                        const std::string& relative_dir) {
  VELO_TRY(volume_exists(volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(validate_relative_dir(relative_dir));
  const std::string snap = layout_.snapshot(volume, snapshot);
  if (!is_dir(snap)) {
    return make_error(ErrorKind::NotFound, "snapshot {}@{} not found", volume, snapshot);
  }
  const std::string src = layout_.volume(volume) + "/" + relative_dir;
  if (!is_dir(src)) return make_error(ErrorKind::NotFound, "{} is not a directory", src);
  // Copy beside the old directory, then swap, so a failure keeps the old.
  const std::string dst = snap + "/" + relative_dir;
  const std::string fresh = dst + ".velo-recopy";
  VELO_TRY(remove_tree(fresh));
  auto copied = copy_tree(src, fresh, mode_);
  if (!copied.ok()) {
    (void)remove_tree(fresh);
    return copied.error();
  }
  VELO_TRY(remove_tree(dst));
  return rename_path(fresh, dst);
}

Result<VolumeSpace> CopyDriver::volume_space(const std::string& volume) {
  VELO_TRY(volume_exists(volume));
  VolumeSpace space;
  VELO_ASSIGN_OR_RETURN(space.logical_bytes, allocated_bytes(layout_.volume(volume)));
  VELO_ASSIGN_OR_RETURN(space.unique_bytes,
                        unshared_bytes(layout_.volume(volume), space.logical_bytes));
  VELO_ASSIGN_OR_RETURN(auto snapshots, layout_.list_snapshots(volume));
  for (const auto& snapshot : snapshots) {
    const std::string dir = layout_.snapshot(volume, snapshot);
    VELO_ASSIGN_OR_RETURN(uint64_t allocated, allocated_bytes(dir));
    VELO_ASSIGN_OR_RETURN(uint64_t bytes, unshared_bytes(dir, allocated));
    space.snapshot_bytes += bytes;
  }
  return space;
}

Result<uint64_t> CopyDriver::unshared_bytes(const std::string&, uint64_t allocated) const {
  return allocated;
}

Result<PoolSpace> CopyDriver::pool_space() { return filesystem_space(layout_.root()); }

Status CopyDriver::check() {
  if (!is_dir(layout_.root())) {
    return make_error(ErrorKind::Unavailable, "storage root {} is not a directory", layout_.root());
  }
  if (access(layout_.root().c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorKind::Unavailable, "storage root {} is not writable", layout_.root());
  }
  return layout_.ensure_dirs();
}

}  // namespace velo::storage
