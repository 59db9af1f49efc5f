#include "storage/reflink_driver.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "storage/xfs_quota.h"
#include "util/fs.h"

namespace velo::storage {

Result<uint64_t> ReflinkDriver::unshared_bytes(const std::string& dir, uint64_t) const {
  return exclusive_extent_bytes(dir);
}

Status ReflinkDriver::size_limits_supported() {
  VELO_ASSIGN_OR_RETURN(std::string mounts, read_file("/proc/self/mounts"));
  return check_project_quotas(mount_holding(mounts, layout_.root()), layout_.root());
}

Status ReflinkDriver::set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) {
  VELO_TRY(volume_exists(volume));
  VELO_ASSIGN_OR_RETURN(std::string mounts, read_file("/proc/self/mounts"));
  auto mount = mount_holding(mounts, layout_.root());
  VELO_TRY(check_project_quotas(mount, layout_.root()));
  XfsProjectQuota quota(mount->point, runner_);
  const std::string dir = layout_.volume(volume);
  uint32_t id = project_id_of(dir);
  if (!bytes) return id == 0 ? Status::Ok() : quota.unlimit(id);
  if (id == 0) {
    std::vector<uint32_t> taken;
    VELO_ASSIGN_OR_RETURN(auto volumes, layout_.list_volumes());
    for (const auto& other : volumes) {
      if (other != volume) taken.push_back(project_id_of(layout_.volume(other)));
    }
    id = pick_project_id(volume, taken);
  }
  return quota.limit(dir, id, *bytes);
}

Status ReflinkDriver::check() {
  VELO_TRY(CopyDriver::check());
  if (!reflink_supported(layout_.root())) {
    return make_error(ErrorKind::Unavailable,
                      "{} does not support reflinks (FICLONE); use XFS with reflink=1 or btrfs",
                      layout_.root());
  }
  return Status::Ok();
}

bool reflink_supported(const std::string& dir) {
  std::string src_name = dir + "/.velo-reflink-probe-XXXXXX";
  std::string dst_name = src_name;
  int src = mkostemp(src_name.data(), O_CLOEXEC);
  if (src < 0) return false;
  int dst = mkostemp(dst_name.data(), O_CLOEXEC);
  bool ok = false;
  if (dst >= 0) {
    // Some data, so that a filesystem which only "clones" empty files fails.
    const char block[] = "velo reflink probe";
    ok = write(src, block, sizeof block) == ssize_t(sizeof block) && fsync(src) == 0 &&
         ioctl(dst, FICLONE, src) == 0;
    close(dst);
    unlink(dst_name.c_str());
  }
  close(src);
  unlink(src_name.c_str());
  return ok;
}

}  // namespace velo::storage
