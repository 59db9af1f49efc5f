#include "storage/reflink_driver.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace velo::storage {

Result<uint64_t> ReflinkDriver::unshared_bytes(const std::string& dir, uint64_t) const {
  return exclusive_extent_bytes(dir);
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
