#include "storage/zfs_driver.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "storage/dir_layout.h"
#include "util/fs.h"

namespace velo::storage {
namespace {

constexpr const char* kZfsFuse = "/usr/sbin/zfs-fuse";
constexpr const char* kZfsFuseLog = "/var/log/velo-zfs-fuse.log";

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::string first_line(const std::string& s) {
  std::string t = trim(s);
  return t.substr(0, t.find('\n'));
}

// zfs-fuse's tools say so when its daemon is not running.
bool daemon_unreachable(const ExecResult& result) {
  const std::string& err = result.err;
  return err.find("daemon") != std::string::npos || err.find("connect") != std::string::npos ||
         err.find("failed to initialize") != std::string::npos;
}

Result<ExecResult> list_all(ProcessRunner& runner) {
  Command command;
  command.argv = {"zfs", "list", "-H", "-o", "name"};
  auto result = runner.run(command);
  if (!result.ok()) {
    return make_error(ErrorKind::Unavailable,
                      "cannot run zfs ({}); install zfsutils-linux or zfs-fuse",
                      result.error().message);
  }
  return result;
}

}  // namespace

std::vector<std::string> split_lines(const std::string& output) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = trim(output.substr(start, end - start));
    if (!line.empty()) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// zfs names the clones that stop a destroy on the lines after "use '-R'
// to destroy the following datasets:"; the error names them too.
std::string dependent_clones(const std::string& err) {
  size_t start = err.find("use '-R'");
  if (start == std::string::npos) return "";
  std::string names;
  std::vector<std::string> lines = split_lines(err.substr(start));
  for (size_t i = 1; i < lines.size(); ++i) names += (names.empty() ? "" : ", ") + lines[i];
  return names;
}

Error zfs_error(const std::string& what, const ExecResult& result) {
  const std::string& err = result.err;
  if (err.find("dependent clones") != std::string::npos) {
    std::string clones = dependent_clones(err);
    return make_error(ErrorKind::Conflict, "{}: {}{}", what, first_line(err),
                      clones.empty() ? "" : ": " + clones);
  }
  ErrorKind kind = ErrorKind::Io;
  if (err.find("already exists") != std::string::npos)
    kind = ErrorKind::Conflict;
  else if (err.find("does not exist") != std::string::npos)
    kind = ErrorKind::NotFound;
  else if (err.find("busy") != std::string::npos)
    kind = ErrorKind::Busy;
  else if (daemon_unreachable(result))
    kind = ErrorKind::Unavailable;
  return make_error(kind, "{}: {}", what, first_line(err.empty() ? result.out : err));
}

Status ensure_zfs_available(ProcessRunner& runner, Clock& clock) {
  VELO_ASSIGN_OR_RETURN(ExecResult first, list_all(runner));
  if (first.exit_code == 0) return Status::Ok();
  if (!daemon_unreachable(first) || access(kZfsFuse, X_OK) != 0) {
    return zfs_error("zfs is not usable", first);
  }
  Command daemon;
  // --no-daemon under spawn_detached: its own session and a log, and no
  // inherited pipe that would keep our runner waiting.
  daemon.argv = {kZfsFuse, "--no-daemon"};
  VELO_TRY(spawn_detached(daemon, kZfsFuseLog));
  // Poll: the daemon answers within a fraction of a second when healthy.
  auto deadline = clock.monotonic() + std::chrono::seconds(20);
  ExecResult last = first;
  while (clock.monotonic() < deadline) {
    clock.sleep_for(std::chrono::milliseconds(50));
    VELO_ASSIGN_OR_RETURN(last, list_all(runner));
    if (last.exit_code == 0) return Status::Ok();
  }
  return make_error(ErrorKind::Unavailable, "started zfs-fuse but zfs does not answer (see {}): {}",
                    kZfsFuseLog, first_line(last.err));
}

Result<std::unique_ptr<ZfsDriver>> ZfsDriver::open(const std::string& parent, ProcessRunner& runner,
                                                   Clock& clock) {
  if (parent.empty() || parent.front() == '/' || parent.back() == '/') {
    return make_error(ErrorKind::Invalid, "invalid zfs parent dataset '{}'", parent);
  }
  // Mounted already (the usual case): /proc/mounts answers without the
  // two zfs commands below, which cost 0.1-1 s each on zfs-fuse.
  const bool fuse = access("/dev/zfs", F_OK) != 0;  // OpenZFS's kernel module makes it
  if (std::string mounted = mountpoint_of_source(parent); !mounted.empty()) {
    return std::make_unique<ZfsDriver>(parent, mounted, runner, clock, fuse);
  }
  VELO_TRY(ensure_zfs_available(runner, clock));
  Command command;
  command.argv = {"zfs", "get", "-H", "-o", "value", "mountpoint", parent};
  VELO_ASSIGN_OR_RETURN(ExecResult result, runner.run(command));
  if (result.exit_code != 0) return zfs_error("cannot read zfs dataset " + parent, result);
  std::string mountpoint = trim(result.out);
  if (mountpoint.empty() || mountpoint.front() != '/') {
    return make_error(ErrorKind::Unavailable, "zfs dataset {} has no mountpoint ('{}')", parent,
                      mountpoint);
  }
  while (mountpoint.size() > 1 && mountpoint.back() == '/') mountpoint.pop_back();
  return std::make_unique<ZfsDriver>(parent, mountpoint, runner, clock, fuse);
}

Result<ExecResult> ZfsDriver::zfs(std::vector<std::string> args) {
  Command command;
  command.argv = {"zfs"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  VELO_ASSIGN_OR_RETURN(ExecResult result, runner_.run(command));
  if (result.exit_code != 0) return zfs_error(describe(command), result);
  return result;
}

Status ZfsDriver::create_volume(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  // "on" is lz4 where the pool has the lz4 feature (OpenZFS) and lzjb
  // where not (zfs-fuse): WAL segments' unwritten tails and a stopped
  // branch's zero pages then cost next to nothing.
  VELO_TRY(zfs({"create", "-o", "compression=on", dataset(volume)}));
  return Status::Ok();
}

// -r takes the volume's own snapshots, never -R, which would take other
// branches. A snapshot with a clone makes `zfs destroy` refuse before it
// removes anything, naming the clones (zfs checks a destroy's dependents
// first; tried on zfs-fuse: the volume, its snapshots and the clone all
// stay), so velo does not list the whole pool first (15 ms and more, on
// every delete and reset).
Status ZfsDriver::destroy_volume(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  return destroy_dataset(dataset(volume));
}

Status ZfsDriver::destroy_dataset(const std::string& ds) {
  // zfs-fuse calls a dataset whose files were just used "busy" until the
  // kernel lets go of its FUSE mount; an explicit unmount settles it. On
  // zfs-fuse it comes first (a destroy refused as busy cost 45 ms), and
  // retries wait 10 ms, doubling, where a fixed 100 ms sleep was measured
  // to cost a reset or delete 100 ms per volume.
  auto deadline = clock_.monotonic() + std::chrono::seconds(5);
  bool unmounted = false;
  auto run = [&](const char* verb) {
    Command command;
    command.argv = {"zfs", verb, ds};
    (void)runner_.run(command);  // either fails harmlessly when there is nothing to do
  };
  auto unmount = [&] {
    run("unmount");
    unmounted = true;
  };
  if (fuse_) unmount();
  auto wait = std::chrono::milliseconds(10);
  for (;;) {
    auto destroyed = zfs({"destroy", "-r", ds});
    if (destroyed.ok()) return Status::Ok();
    if (destroyed.error().kind != ErrorKind::Busy || clock_.monotonic() > deadline) {
      // A refused destroy (clones depend on it, which velo's records
      // should have told) leaves the dataset mounted, as it found it.
      if (unmounted && destroyed.error().kind != ErrorKind::NotFound) run("mount");
      return destroyed.error();
    }
    unmount();
    clock_.sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(100));
  }
}

Status ZfsDriver::snapshot(const std::string& volume, const std::string& snapshot) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(zfs({"snapshot", dataset(volume) + "@" + snapshot}));
  return Status::Ok();
}

Status ZfsDriver::destroy_snapshot(const std::string& volume, const std::string& snapshot) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(zfs({"destroy", dataset(volume) + "@" + snapshot}));
  return Status::Ok();
}

Status ZfsDriver::clone(const std::string& volume, const std::string& snapshot,
                        const std::string& new_volume) {
  VELO_TRY(validate_name("volume", volume));
  VELO_TRY(validate_name("snapshot", snapshot));
  VELO_TRY(validate_name("volume", new_volume));
  VELO_TRY(zfs({"clone", dataset(volume) + "@" + snapshot, dataset(new_volume)}));
  return Status::Ok();
}

Status ZfsDriver::recopy_into_snapshot(const std::string&, const std::string&, const std::string&) {
  return make_error(ErrorKind::Invalid,
                    "zfs snapshots are atomic and read-only; nothing to recopy");
}

Result<VolumeSpace> ZfsDriver::volume_space(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  const std::string ds = dataset(volume);
  // "all", not a list: a property this zfs lacks (logicalreferenced on
  // zfs-fuse) would fail the whole command.
  VELO_ASSIGN_OR_RETURN(ExecResult result,
                        zfs({"get", "-Hp", "-o", "name,property,value", "all", ds}));
  auto values = parse_zfs_values(result.out)[ds];
  for (const char* needed : {"referenced", "usedbydataset", "usedbysnapshots"}) {
    if (!values.contains(needed)) {
      return make_error(ErrorKind::Io, "zfs get gave no '{}' for {}", needed, ds);
    }
  }
  VolumeSpace space;
  space.logical_bytes =
      values.contains("logicalreferenced") ? values["logicalreferenced"] : values["referenced"];
  space.unique_bytes = values["usedbydataset"];
  space.snapshot_bytes = values["usedbysnapshots"];
  return space;
}

Result<PoolSpace> ZfsDriver::pool_space() {
  const std::string root = parent_.substr(0, parent_.find('/'));
  VELO_ASSIGN_OR_RETURN(ExecResult result, zfs({"get", "-Hp", "-o", "name,property,value",
                                                "used,available", root, parent_}));
  auto values = parse_zfs_values(result.out);
  if (!values[root].contains("used") || !values[root].contains("available") ||
      !values[parent_].contains("available")) {
    return make_error(ErrorKind::Io, "unexpected output of zfs get: '{}'", result.out);
  }
  PoolSpace space;
  space.used_bytes = values[root]["used"];
  space.size_bytes = space.used_bytes + values[root]["available"];
  space.free_bytes = values[parent_]["available"];
  return space;
}

ZfsValues parse_zfs_values(const std::string& output) {
  ZfsValues values;
  for (const auto& line : split_lines(output)) {
    size_t first = line.find('\t');
    size_t second = first == std::string::npos ? first : line.find('\t', first + 1);
    if (second == std::string::npos) continue;
    std::string text = line.substr(second + 1);
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) continue;
    values[line.substr(0, first)][line.substr(first + 1, second - first - 1)] = value;
  }
  return values;
}

// `quota`, not `refquota`. A clone's `referenced` counts the data it
// shares with its origin snapshot (a fresh branch of a 10 GB main
// references 10 GB), so a refquota would cap the parent's size, not what
// the branch writes. `quota` caps `used`: for a clone, the blocks it wrote
// itself plus what its own snapshots keep alive (a block the branch
// overwrites after velo snapshotted it counts twice, as it takes the disk
// twice). Volumes have no child datasets, so nothing else counts.
Status ZfsDriver::set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) {
  VELO_TRY(validate_name("volume", volume));
  const std::string value = bytes ? std::to_string(*bytes) : "none";
  VELO_TRY(zfs({"set", "quota=" + value, dataset(volume)}));
  return Status::Ok();
}

Status ZfsDriver::size_limits_supported() {
  if (!fuse_) return Status::Ok();
  return make_error(ErrorKind::Unavailable,
                    "zfs here is zfs-fuse, whose daemon aborts when a write runs into a quota "
                    "(taking every branch's files away, main's too): --max-size needs OpenZFS's "
                    "kernel module (/dev/zfs)");
}

Result<std::vector<std::string>> ZfsDriver::list_volumes() {
  VELO_ASSIGN_OR_RETURN(ExecResult result, zfs({"list", "-H", "-o", "name", "-t", "filesystem",
                                                "-r", "-d", "1", parent_}));
  std::vector<std::string> volumes;
  const std::string prefix = parent_ + "/";
  for (const auto& name : split_lines(result.out)) {
    if (name.starts_with(prefix)) volumes.push_back(name.substr(prefix.size()));
  }
  return volumes;
}

Result<std::vector<std::string>> ZfsDriver::list_snapshots(const std::string& volume) {
  VELO_TRY(validate_name("volume", volume));
  const std::string ds = dataset(volume);
  VELO_ASSIGN_OR_RETURN(ExecResult result,
                        zfs({"list", "-H", "-o", "name", "-t", "snapshot", "-r", "-d", "1", ds}));
  std::vector<std::string> snapshots;
  for (const auto& name : split_lines(result.out)) {
    if (name.starts_with(ds + "@")) snapshots.push_back(name.substr(ds.size() + 1));
  }
  return snapshots;
}

Status ZfsDriver::check() {
  VELO_TRY(ensure_zfs_available(runner_, clock_));
  VELO_TRY(zfs({"list", "-H", "-o", "name", parent_}));
  if (access(mountpoint_.c_str(), W_OK | X_OK) != 0) {
    return make_error(ErrorKind::Unavailable, "{} (mountpoint of {}) is not writable", mountpoint_,
                      parent_);
  }
  return Status::Ok();
}

}  // namespace velo::storage
