#include "core/history/wal_archive.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::core {

std::string archive_dir_of(const Config& config, const std::string& volume) {
  return config.data_root + "/archive/" + volume;
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

Status remove_archive(const Config& config, const std::string& volume) {
  if (config.data_root.empty() || volume.empty()) return Status::Ok();
  return remove_tree(archive_dir_of(config, volume));
}

}  // namespace velo::core
