#include "core/history/wal_archive.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::core {

namespace {

constexpr std::string_view kArchiveSuffix = ".wal";

// Where velo kept archives before they moved into the pool.
std::string legacy_archive_dir(const Config& config, const std::string& volume) {
  return config.data_root + "/archive/" + volume;
}

}  // namespace

std::string archive_volume_of(const std::string& volume) {
  return volume + std::string(kArchiveSuffix);
}

bool is_archive_volume(const std::string& volume) { return volume.ends_with(kArchiveSuffix); }

std::string archive_dir_of(const Config& config, const storage::Driver& driver,
                           const std::string& volume) {
  std::string legacy = legacy_archive_dir(config, volume);
  if (!config.data_root.empty() && path_exists(legacy)) return legacy;
  return driver.volume_path(archive_volume_of(volume)) + "/wal";
}

Status create_archive_volume(storage::Driver& driver, const std::string& volume) {
  Status made = driver.create_volume(archive_volume_of(volume));
  if (!made.ok() && made.error().kind == ErrorKind::Conflict) return Status::Ok();
  return made;
}

std::optional<ArchivedFile> ArchiveContents::oldest_segment() const {
  std::optional<ArchivedFile> oldest;
  for (const auto& file : files) {
    if (!file.parsed.segno || !file.parsed.suffix.empty()) continue;
    if (!oldest || *file.parsed.segno < *oldest->parsed.segno) oldest = file;
  }
  return oldest;
}

std::optional<ArchivedFile> ArchiveContents::newest_segment() const {
  std::optional<ArchivedFile> newest;
  for (const auto& file : files) {
    if (!file.parsed.segno || !file.parsed.suffix.empty()) continue;
    // Segment numbers are positions in the WAL: the newest is the highest,
    // whatever timeline it is on.
    if (!newest || *file.parsed.segno >= *newest->parsed.segno) newest = file;
  }
  return newest;
}

Result<ArchiveContents> list_archive(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return os_error(errno, "open WAL archive " + dir);
  ArchiveContents contents;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    auto parsed = parse_wal_file_name(name);
    if (!parsed) continue;  // ".", "..", temporary files
    struct stat st {};
    if (::stat((dir + "/" + name).c_str(), &st) != 0) continue;  // pruned meanwhile
    ArchivedFile file{
        name, *parsed, static_cast<uint64_t>(st.st_size),
        std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) +
                                              std::chrono::nanoseconds(st.st_mtim.tv_nsec))};
    contents.total_bytes += file.bytes;
    contents.files.push_back(std::move(file));
  }
  ::closedir(handle);
  std::sort(contents.files.begin(), contents.files.end(),
            [](const ArchivedFile& a, const ArchivedFile& b) { return a.name < b.name; });
  return contents;
}

Status make_archive_dir(const std::string& dir) {
  auto slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) VELO_TRY(make_dirs(dir.substr(0, slash), 0711));
  return make_dirs(dir, 0700);
}

Status remove_archive(const Config& config, storage::Driver& driver, const std::string& volume) {
  if (volume.empty()) return Status::Ok();
  if (!config.data_root.empty()) VELO_TRY(remove_tree(legacy_archive_dir(config, volume)));
  Status destroyed = driver.destroy_volume(archive_volume_of(volume));
  if (!destroyed.ok() && destroyed.error().kind == ErrorKind::NotFound) return Status::Ok();
  return destroyed;
}

}  // namespace velo::core
