// A branch incarnation's WAL archive: a directory under the data root
// (<data_root>/archive/<volume>), written only by that incarnation's
// server. Named after the volume, so that every incarnation (create and
// each reset) archives into a fresh directory: a reset branch's new WAL
// reuses file names that its old archive already holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/history/wal_position.h"

namespace velo::core {

std::string archive_dir_of(const Config& config, const std::string& volume);

struct ArchivedFile {
  std::string name;
  WalFileName parsed;
  uint64_t bytes = 0;
  std::chrono::system_clock::time_point modified;
};

struct ArchiveContents {
  std::vector<ArchivedFile> files;  // sorted by name; temporary files left out
  uint64_t total_bytes = 0;

  // Complete segments only (no .partial, .backup or .history).
  std::optional<ArchivedFile> oldest_segment() const;
  std::optional<ArchivedFile> newest_segment() const;
};

// NotFound when the directory does not exist.
Result<ArchiveContents> list_archive(const std::string& dir);

// Creates `dir` (0700; the runtime hands it to the server's user) below a
// directory that other users may traverse but not list (0711).
Status make_archive_dir(const std::string& dir);

// Removes an incarnation's archive (for branch delete); Ok if absent.
Status remove_archive(const Config& config, const std::string& volume);

}  // namespace velo::core
