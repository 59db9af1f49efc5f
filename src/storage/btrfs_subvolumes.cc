#include "storage/btrfs_subvolumes.h"

#include <btrfsutil.h>

#include <cerrno>

#include "util/os_error.h"

namespace velo::storage {
namespace {

// libbtrfsutil says which step failed; errno says why.
Status checked(enum btrfs_util_error result, const std::string& what) {
  if (result == BTRFS_UTIL_OK) return Status::Ok();
  const int err = errno;
  return os_error(err, what + ": " + btrfs_util_strerror(result));
}

class LibrarySubvolumes : public BtrfsSubvolumes {
 public:
  Status create(const std::string& path) override {
    return checked(btrfs_util_create_subvolume(path.c_str(), 0, nullptr, nullptr),
                   "cannot create btrfs subvolume " + path);
  }

  Status snapshot(const std::string& source, const std::string& path, bool read_only) override {
    const int flags = read_only ? BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY : 0;
    return checked(
        btrfs_util_create_snapshot(source.c_str(), path.c_str(), flags, nullptr, nullptr),
        "cannot snapshot btrfs subvolume " + source + " to " + path);
  }

  Status remove(const std::string& path) override {
    return checked(btrfs_util_delete_subvolume(path.c_str(), 0),
                   "cannot delete btrfs subvolume " + path);
  }
};

}  // namespace

BtrfsSubvolumes& library_subvolumes() {
  static LibrarySubvolumes subvolumes;
  return subvolumes;
}

}  // namespace velo::storage
