#include "support/fake_storage.h"

#include <filesystem>
#include <mutex>

#include "util/fs.h"

namespace velo::testing {

// What core expects of a data directory: it edits postgresql.conf.
Status FakeDriver::make_data_dir(const std::string& volume) {
  VELO_TRY(make_dirs(volume_path(volume) + "/data", 0700));
  return write_file_atomic(volume_path(volume) + "/data/postgresql.conf", "", 0600);
}

Status FakeDriver::maybe_fail(const std::string& operation) {
  if (failures_.erase(operation) > 0) {
    return make_error(ErrorKind::Io, "injected failure in {}", operation);
  }
  return Status::Ok();
}

Status FakeDriver::set_size_limit(const std::string& volume, std::optional<uint64_t> bytes) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("set_size_limit"));
  VELO_TRY(size_limits_supported());
  if (volumes.count(volume) == 0) return make_error(ErrorKind::NotFound, "no volume {}", volume);
  if (bytes) {
    limits[volume] = *bytes;
  } else {
    limits.erase(volume);
  }
  return Status::Ok();
}

Status FakeDriver::create_volume(const std::string& volume) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("create_volume"));
  if (!volumes.insert(volume).second) return make_error(ErrorKind::Conflict, "exists");
  return make_data_dir(volume);
}

Status FakeDriver::destroy_volume(const std::string& volume) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("destroy_volume"));
  if (volumes.count(volume) == 0) return make_error(ErrorKind::NotFound, "no volume {}", volume);
  for (const auto& [clone, origin] : clone_of) {
    if (origin.rfind(volume + "@", 0) == 0) {
      return make_error(ErrorKind::Conflict, "{} has dependent clone {}", volume, clone);
    }
  }
  for (auto it = snapshots.begin(); it != snapshots.end();) {
    it = it->rfind(volume + "@", 0) == 0 ? snapshots.erase(it) : std::next(it);
  }
  volumes.erase(volume);
  limits.erase(volume);
  clone_of.erase(volume);
  return remove_tree(volume_path(volume));
}

Status FakeDriver::snapshot(const std::string& volume, const std::string& snapshot) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("snapshot"));
  if (volumes.count(volume) == 0) return make_error(ErrorKind::NotFound, "no volume {}", volume);
  snapshots.insert(volume + "@" + snapshot);
  if (atomic_) return Status::Ok();
  return make_dirs(snapshot_path(volume, snapshot) + "/data", 0700);
}

Status FakeDriver::recopy_into_snapshot(const std::string& volume, const std::string& snapshot,
                                        const std::string& relative_dir) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("recopy"));
  if (atomic_) return make_error(ErrorKind::Invalid, "atomic snapshots are not amended");
  std::error_code ec;
  const std::string target = snapshot_path(volume, snapshot) + "/" + relative_dir;
  std::filesystem::remove_all(target, ec);
  std::filesystem::copy(volume_path(volume) + "/" + relative_dir, target,
                        std::filesystem::copy_options::recursive, ec);
  if (ec) return make_error(ErrorKind::Io, "recopy {}: {}", relative_dir, ec.message());
  return Status::Ok();
}

Status FakeDriver::destroy_snapshot(const std::string& volume, const std::string& snapshot) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("destroy_snapshot"));
  std::string name = volume + "@" + snapshot;
  if (snapshots.count(name) == 0) return make_error(ErrorKind::NotFound, "no snapshot {}", name);
  for (const auto& [clone, origin] : clone_of) {
    if (origin == name) return make_error(ErrorKind::Conflict, "{} has clone {}", name, clone);
  }
  snapshots.erase(name);
  return remove_tree(snapshot_path(volume, snapshot));
}

Status FakeDriver::clone(const std::string& volume, const std::string& snapshot,
                         const std::string& new_volume) {
  std::lock_guard lock(mutex_);
  VELO_TRY(maybe_fail("clone"));
  if (snapshots.count(volume + "@" + snapshot) == 0) {
    return make_error(ErrorKind::NotFound, "no snapshot {}@{}", volume, snapshot);
  }
  volumes.insert(new_volume);
  clone_of[new_volume] = volume + "@" + snapshot;
  return make_data_dir(new_volume);
}

Result<std::vector<std::string>> FakeDriver::list_volumes() {
  std::lock_guard lock(mutex_);
  return std::vector<std::string>(volumes.begin(), volumes.end());
}

Result<std::vector<std::string>> FakeDriver::list_snapshots(const std::string& volume) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& name : snapshots) {
    if (name.rfind(volume + "@", 0) == 0) out.push_back(name.substr(volume.size() + 1));
  }
  return out;
}

}  // namespace velo::testing
