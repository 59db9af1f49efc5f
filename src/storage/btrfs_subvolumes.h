// btrfs subvolumes made and removed by ioctl (libbtrfsutil): what the
// `btrfs subvolume` tool does, without a process per call (about 3 ms
// each, three times in every branch create).
#pragma once

#include <string>

#include "util/result.h"

namespace velo::storage {

class BtrfsSubvolumes {
 public:
  virtual ~BtrfsSubvolumes() = default;
  virtual Status create(const std::string& path) = 0;
  // A snapshot of the subvolume at `source`, read-only or writable.
  virtual Status snapshot(const std::string& source, const std::string& path, bool read_only) = 0;
  // One subvolume, which holds no other.
  virtual Status remove(const std::string& path) = 0;
};

// The real one, through libbtrfsutil.
BtrfsSubvolumes& library_subvolumes();

}  // namespace velo::storage
