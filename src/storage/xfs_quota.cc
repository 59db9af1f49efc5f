#include "storage/xfs_quota.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

namespace velo::storage {
namespace {

// /proc/self/mounts writes a space in a path as \040 (octal escapes).
std::string unescape(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); i++) {
    bool escape = raw[i] == '\\' && i + 3 < raw.size();
    for (size_t j = 1; escape && j <= 3; j++) escape = raw[i + j] >= '0' && raw[i + j] <= '7';
    if (!escape) {
      out += raw[i];
      continue;
    }
    out += static_cast<char>((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
    i += 3;
  }
  return out;
}

bool holds(const std::string& point, const std::string& path) {
  if (point == "/") return true;
  return path == point || (path.starts_with(point) && path[point.size()] == '/');
}

bool has_option(const std::string& options, const std::string& wanted) {
  std::istringstream list(options);
  std::string option;
  while (std::getline(list, option, ',')) {
    if (option == wanted) return true;
  }
  return false;
}

}  // namespace

std::optional<MountEntry> mount_holding(const std::string& mounts, const std::string& path) {
  std::optional<MountEntry> best;
  std::istringstream lines(mounts);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string source, point, fstype, options;
    if (!(fields >> source >> point >> fstype >> options)) continue;
    point = unescape(point);
    if (!holds(point, path)) continue;
    if (!best || point.size() >= best->point.size()) best = MountEntry{point, fstype, options};
  }
  return best;
}

Status check_project_quotas(const std::optional<MountEntry>& mount, const std::string& root) {
  if (!mount || mount->fstype != "xfs") {
    return make_error(ErrorKind::Unavailable,
                      "the reflink driver caps branches with XFS project quotas, and {} is on "
                      "{}, not XFS: --max-size needs zfs, btrfs or XFS storage",
                      root, mount ? mount->fstype : "an unknown filesystem");
  }
  // The kernel shows enforced project quotas as prjquota; pqnoenforce
  // only counts.
  if (!has_option(mount->options, "prjquota") && !has_option(mount->options, "pquota")) {
    return make_error(ErrorKind::Unavailable,
                      "{} is mounted without project quotas: mount it with -o prjquota (at mount "
                      "time, not remount; the kernel needs CONFIG_XFS_QUOTA) for --max-size",
                      mount->point);
  }
  return Status::Ok();
}

uint32_t pick_project_id(const std::string& volume, const std::vector<uint32_t>& taken) {
  uint32_t hash = 2166136261u;  // FNV-1a: the same ID for the same name, on any machine
  for (unsigned char c : volume) {
    hash ^= c;
    hash *= 16777619u;
  }
  constexpr uint32_t kRange = 0x7fffffffu;  // 1..2^31-1: tools misread larger IDs
  uint32_t id = hash % kRange + 1;
  while (std::find(taken.begin(), taken.end(), id) != taken.end()) id = id % kRange + 1;
  return id;
}

uint32_t project_id_of(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0) return 0;
  struct fsxattr attr = {};
  int rc = ioctl(fd, FS_IOC_FSGETXATTR, &attr);
  close(fd);
  return rc == 0 ? attr.fsx_projid : 0;
}

Status XfsProjectQuota::limit(const std::string& dir, uint32_t id, uint64_t bytes) {
  // xfs_quota splits its -c command at blanks, with no quoting.
  if (dir.find_first_of(" \t\n") != std::string::npos) {
    return make_error(ErrorKind::Invalid,
                      "xfs_quota cannot name {}: project quotas need a storage path without blanks",
                      dir);
  }
  VELO_TRY(run(fmt::format("project -s -p {} {}", dir, id)));
  return run(fmt::format("limit -p bhard={} {}", bytes, id));
}

Status XfsProjectQuota::unlimit(uint32_t id) { return run(fmt::format("limit -p bhard=0 {}", id)); }

Status XfsProjectQuota::run(const std::string& command) {
  Command xfs_quota;
  xfs_quota.argv = {"xfs_quota", "-x", "-c", command, mountpoint_};
  VELO_ASSIGN_OR_RETURN(ExecResult result, runner_.run(xfs_quota));
  if (result.exit_code != 0 || !result.err.empty()) {
    std::string said = result.err.empty() ? result.out : result.err;
    return make_error(ErrorKind::Io, "{} failed: {}", describe(xfs_quota),
                      said.substr(0, said.find('\n')));
  }
  return Status::Ok();
}

}  // namespace velo::storage
