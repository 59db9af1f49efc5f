// XFS project quotas, which cap a reflink volume (velo branch create
// --max-size): the volume's directory tree gets a project ID of its own
// (`xfs_quota -x -c 'project -s -p DIR ID'`, which marks the tree so new
// files inherit it) and the project a hard block limit (`limit -p
// bhard=N ID`). Needs XFS mounted with -o prjquota (a kernel built with
// CONFIG_XFS_QUOTA).
//
// XFS charges a reflinked block to every file that shares it, so a
// capped reflink volume counts all its data, shared with its parent or
// not: the cap has to leave room for the parent's size as well. zfs and
// btrfs count only what the branch wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/exec.h"
#include "util/result.h"

namespace velo::storage {

// One line of /proc/self/mounts.
struct MountEntry {
  std::string point;
  std::string fstype;
  std::string options;  // comma-separated
};

// The mount that holds `path` (an absolute, normalised path): the entry of
// `mounts` (text in the format of /proc/self/mounts) with the longest
// mount point that is `path` or one of its ancestors; the last such line
// wins, as a later mount hides an earlier one.
std::optional<MountEntry> mount_holding(const std::string& mounts, const std::string& path);

// Ok when `mount` is XFS with project quotas enforced; else Unavailable
// saying what is missing and how to get it.
Status check_project_quotas(const std::optional<MountEntry>& mount, const std::string& root);

// The project ID velo gives a volume: a hash of its name in
// 1..2^31-1, moved up past IDs in `taken` (other volumes' projects).
uint32_t pick_project_id(const std::string& volume, const std::vector<uint32_t>& taken);

// The project ID of a file or directory (FS_IOC_FSGETXATTR); 0 when it has
// none or the filesystem cannot say.
uint32_t project_id_of(const std::string& path);

class XfsProjectQuota {
 public:
  // REQUIRES: `runner` outlives this object.
  XfsProjectQuota(std::string mountpoint, ProcessRunner& runner)
      : mountpoint_(std::move(mountpoint)), runner_(runner) {}

  // Gives the tree at `dir` project `id`, then caps the project at `bytes`.
  Status limit(const std::string& dir, uint32_t id, uint64_t bytes);
  // Removes project `id`'s cap (its files keep the ID).
  Status unlimit(uint32_t id);

 private:
  // `xfs_quota -x -c COMMAND MOUNTPOINT`. xfs_quota exits 0 on many
  // failures, so anything on stderr is a failure too.
  Status run(const std::string& command);

  std::string mountpoint_;
  ProcessRunner& runner_;
};

}  // namespace velo::storage
