// The reflink driver: the copy driver's layout and steps, but every file
// is cloned with ioctl FICLONE, so a snapshot or clone shares all data
// extents and costs only metadata (XFS with reflink=1, btrfs). Not atomic
// (files are cloned one by one): core uses PostgreSQL's backup API.
#pragma once

#include <string>

#include "storage/copy_driver.h"

namespace velo::storage {

class ReflinkDriver : public CopyDriver {
 public:
  // REQUIRES: `runner` outlives the driver.
  ReflinkDriver(std::string root, ProcessRunner& runner)
      : CopyDriver(std::move(root), CopyMode::Reflink), runner_(runner) {}

  std::string name() const override { return "reflink"; }

  // XFS project quotas (storage/xfs_quota.h): on XFS a cap counts every
  // block of the volume, shared with its parent or not. The project ID is
  // picked from the volume's name, unique among the pool's volumes.
  Status set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) override;
  // The root is on XFS mounted with -o prjquota.
  Status size_limits_supported() override;

  // The copy driver's checks, plus a trial FICLONE in the root.
  Status check() override;

 protected:
  // Estimate: the bytes of the tree's file extents that FIEMAP does not
  // flag as shared, i.e. what a volume has written since it was cloned
  // (what removing it would free, up to extents shared only with a
  // snapshot of itself). Fresh clone: ~0.
  Result<uint64_t> unshared_bytes(const std::string& dir, uint64_t allocated) const override;

 private:
  ProcessRunner& runner_;
};

// True when two files in `dir` can share extents through FICLONE; probes
// with two temporary files that it removes.
bool reflink_supported(const std::string& dir);

}  // namespace velo::storage
