// The on-disk layout shared by the directory-rooted drivers (btrfs,
// reflink, copy), and the name rules every driver enforces:
//   <root>/volumes/<volume>               a volume
//   <root>/snapshots/<volume>@<snapshot>  a snapshot of it
// A name is checked before it reaches a path or an argv, so that "..",
// "/" or "@" can never escape the layout.
#pragma once

#include <string>
#include <vector>

#include "storage/driver.h"
#include "util/result.h"

namespace velo::storage {

// Invalid unless `name` matches [a-z0-9._-]+ and is not "." or "..".
Status validate_name(const std::string& what, const std::string& name);

// Invalid if `relative` is empty, absolute, or has a ".." component.
Status validate_relative_dir(const std::string& relative);

class DirLayout {
 public:
  explicit DirLayout(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string volumes_dir() const { return root_ + "/volumes"; }
  std::string snapshots_dir() const { return root_ + "/snapshots"; }
  std::string volume(const std::string& volume) const { return volumes_dir() + "/" + volume; }
  std::string snapshot(const std::string& volume, const std::string& snapshot) const {
    return snapshots_dir() + "/" + volume + "@" + snapshot;
  }

  // Creates volumes/ and snapshots/ (0755: the server's OS user must be
  // able to traverse to <volume>/data).
  Status ensure_dirs() const;

  // Entry names in volumes/ (empty when it does not exist yet).
  Result<std::vector<std::string>> list_volumes() const;
  // Snapshot names of `volume`, from snapshots/<volume>@*.
  Result<std::vector<std::string>> list_snapshots(const std::string& volume) const;

 private:
  std::string root_;
};

// The filesystem holding `path`, from statvfs: free is what an
// unprivileged writer may still use (f_bavail), as df shows it.
Result<PoolSpace> filesystem_space(const std::string& path);

// Sorted names of the entries of `dir`, without "." and ".."; an absent
// directory yields an empty list.
Result<std::vector<std::string>> list_dir(const std::string& dir);

}  // namespace velo::storage
