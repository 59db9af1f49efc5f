#include "storage/dir_layout.h"

#include <dirent.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::storage {

Status validate_name(const std::string& what, const std::string& name) {
  if (name.empty() || name == "." || name == "..") {
    return make_error(ErrorKind::Invalid, "invalid {} name '{}'", what, name);
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return make_error(ErrorKind::Invalid, "invalid {} name '{}'", what, name);
  }
  return Status::Ok();
}

Status validate_relative_dir(const std::string& relative) {
  if (relative.empty() || relative.front() == '/') {
    return make_error(ErrorKind::Invalid, "not a relative directory: '{}'", relative);
  }
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    if (relative.compare(start, end - start, "..") == 0 && end - start == 2) {
      return make_error(ErrorKind::Invalid, "directory '{}' leaves the snapshot", relative);
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status DirLayout::ensure_dirs() const {
  VELO_TRY(make_dirs(volumes_dir(), 0755));
  return make_dirs(snapshots_dir(), 0755);
}

Result<std::vector<std::string>> DirLayout::list_volumes() const {
  VELO_ASSIGN_OR_RETURN(auto names, list_dir(volumes_dir()));
  // Skip anything that is not a valid volume name (editor debris, lost+found).
  std::erase_if(names, [](const std::string& n) { return !validate_name("volume", n).ok(); });
  return names;
}

Result<std::vector<std::string>> DirLayout::list_snapshots(const std::string& volume) const {
  VELO_TRY(validate_name("volume", volume));
  VELO_ASSIGN_OR_RETURN(auto names, list_dir(snapshots_dir()));
  std::vector<std::string> snapshots;
  const std::string prefix = volume + "@";
  for (const auto& n : names) {
    if (n.starts_with(prefix)) snapshots.push_back(n.substr(prefix.size()));
  }
  return snapshots;
}

Result<std::vector<std::string>> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return os_error(errno, "cannot list " + dir);
  }
  while (struct dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Result<PoolSpace> filesystem_space(const std::string& path) {
  struct statvfs fs {};
  if (statvfs(path.c_str(), &fs) != 0) return os_error(errno, "cannot read the space of " + path);
  const uint64_t unit = fs.f_frsize;
  PoolSpace space;
  space.size_bytes = uint64_t{fs.f_blocks} * unit;
  space.used_bytes = uint64_t{fs.f_blocks - fs.f_bfree} * unit;
  space.free_bytes = uint64_t{fs.f_bavail} * unit;
  return space;
}

}  // namespace velo::storage
