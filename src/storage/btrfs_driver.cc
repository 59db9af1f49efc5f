#include "storage/btrfs_driver.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <charconv>
#include <sstream>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::storage {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// The first line of what a failed command said, for an error message.
std::string said(const ExecResult& result) {
  const std::string& text = result.err.empty() ? result.out : result.err;
  return text.substr(0, text.find('\n'));
}

}  // namespace

Status BtrfsDriver::create_volume(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  const std::string path = layout_.volume(volume);
  if (exists(path)) return make_error(ErrorKind::Conflict, "volume {} already exists", volume);
  VELO_TRY(layout_.ensure_dirs());
  return subvolumes_.create(path);
}

Status BtrfsDriver::destroy_volume(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  const std::string path = layout_.volume(volume);
  if (!exists(path)) return make_error(ErrorKind::NotFound, "volume {} not found", volume);
  // Snapshots first: if we stop midway the volume is still there for gc.
  VELO_ASSIGN_OR_RETURN(auto snapshots, layout_.list_snapshots(volume));
  for (const auto& s : snapshots) VELO_TRY(subvolumes_.remove(layout_.snapshot(volume, s)));
  return subvolumes_.remove(path);
}

Status BtrfsDriver::snapshot(const std::string& volume, const std::string& snapshot) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  const std::string src = layout_.volume(volume);
  if (!exists(src)) return make_error(ErrorKind::NotFound, "volume {} not found", volume);
  const std::string dst = layout_.snapshot(volume, snapshot);
  if (exists(dst)) {
    return make_error(ErrorKind::Conflict, "snapshot {}@{} already exists", volume, snapshot);
  }
  VELO_TRY(layout_.ensure_dirs());
  return subvolumes_.snapshot(src, dst, /*read_only=*/true);
}

Status BtrfsDriver::destroy_snapshot(const std::string& volume, const std::string& snapshot) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  const std::string path = layout_.snapshot(volume, snapshot);
  if (!exists(path)) {
    return make_error(ErrorKind::NotFound, "snapshot {}@{} not found", volume, snapshot);
  }
  return subvolumes_.remove(path);
}

Status BtrfsDriver::clone(const std::string& volume, const std::string& snapshot,
                          const std::string& new_volume) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(validate_name("volume", new_volume));
  const std::string src = layout_.snapshot(volume, snapshot);
  if (!exists(src)) {
    return make_error(ErrorKind::NotFound, "snapshot {}@{} not found", volume, snapshot);
  }
  const std::string dst = layout_.volume(new_volume);
  if (exists(dst)) return make_error(ErrorKind::Conflict, "volume {} already exists", new_volume);
  return subvolumes_.snapshot(src, dst, /*read_only=*/false);
}

Status BtrfsDriver::recopy_into_snapshot(const std::string&, const std::string&,
                                         const std::string&) {
  return make_error(ErrorKind::Invalid,
                    "btrfs snapshots are atomic and read-only; nothing to recopy");
}

Result<VolumeSpace> BtrfsDriver::volume_space(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  const std::string path = layout_.volume(volume);
  if (!exists(path)) return make_error(ErrorKind::NotFound, "volume {} not found", volume);
  VELO_ASSIGN_OR_RETURN(auto snapshots, layout_.list_snapshots(volume));
  Command command;
  command.argv = {"btrfs", "filesystem", "du", "-s", "--raw", path};
  for (const auto& snapshot : snapshots) command.argv.push_back(layout_.snapshot(volume, snapshot));
  VELO_ASSIGN_OR_RETURN(ExecResult result, run_checked(runner_, command));
  VELO_ASSIGN_OR_RETURN(auto rows, parse_btrfs_du(result.out));
  if (rows.size() != snapshots.size() + 1) {
    return make_error(ErrorKind::Io, "btrfs filesystem du gave {} rows for {} paths", rows.size(),
                      snapshots.size() + 1);
  }
  VolumeSpace space;
  space.logical_bytes = rows[0].total;
  space.unique_bytes = rows[0].exclusive;
  for (size_t i = 1; i < rows.size(); ++i) space.snapshot_bytes += rows[i].exclusive;
  return space;
}

Result<PoolSpace> BtrfsDriver::pool_space() { return filesystem_space(layout_.root()); }
Status BtrfsDriver::set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) {
  VELO_TRY(validate_name("volume", volume));
  const std::string path = layout_.volume(volume);
  if (!exists(path)) return make_error(ErrorKind::NotFound, "volume {} not found", volume);
  // Without a qgroup id, the limit applies to the subvolume at `path`.
  Command command;
  command.argv = {"btrfs", "qgroup", "limit", "-e", bytes ? std::to_string(*bytes) : "none", path};
  VELO_TRY(run_checked(runner_, command));
  return Status::Ok();
}

Status BtrfsDriver::size_limits_supported() {
  // -f: only the qgroups of the root's own subvolume, one line.
  Command command;
  command.argv = {"btrfs", "qgroup", "show", "-f", "--raw", layout_.root()};
  VELO_ASSIGN_OR_RETURN(ExecResult result, runner_.run(command));
  if (result.exit_code == 0) return Status::Ok();
  if (result.err.find("not enabled") != std::string::npos) {
    return make_error(ErrorKind::Unavailable,
                      "btrfs quotas are off on {}: run 'btrfs quota enable {}' for --max-size "
                      "(qgroups slow down snapshot deletion somewhat; see velo's README)",
                      layout_.root(), layout_.root());
  }
  return make_error(ErrorKind::Unavailable, "cannot read btrfs quotas on {}: {}", layout_.root(),
                    said(result));
}

Status BtrfsDriver::check() {
  struct statfs fs;
  if (statfs(layout_.root().c_str(), &fs) != 0) {
    return os_error(errno, "cannot reach " + layout_.root(), ErrorKind::Unavailable);
  }
  if (fs.f_type != BTRFS_SUPER_MAGIC) {
    return make_error(ErrorKind::Unavailable, "{} is not on a btrfs filesystem", layout_.root());
  }
  Command command;
  command.argv = {"btrfs", "--version"};
  auto version = runner_.run(command);
  if (!version.ok() || version->exit_code != 0) {
    return make_error(ErrorKind::Unavailable, "the btrfs tool (btrfs-progs) is not usable");
  }
  return layout_.ensure_dirs();
}

namespace {

bool parse_count(const std::string& text, uint64_t& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

Result<std::vector<BtrfsDuRow>> parse_btrfs_du(const std::string& output) {
  // "     Total   Exclusive  Set shared  Filename\n   4194304  1048576 ..."
  std::istringstream lines(output);
  std::string line;
  std::vector<BtrfsDuRow> rows;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string total, exclusive;
    BtrfsDuRow row;
    if (!(fields >> total >> exclusive)) continue;
    if (parse_count(total, row.total) && parse_count(exclusive, row.exclusive)) rows.push_back(row);
  }
  if (rows.empty()) {
    return make_error(ErrorKind::Io, "unexpected output of btrfs filesystem du: '{}'", output);
  }
  return rows;
}

}  // namespace velo::storage
