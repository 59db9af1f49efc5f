// A branch incarnation's WAL archive, written only by that incarnation's
// server: the directory "wal" of a storage volume of its own on the pool,
// "<volume>.wal", so that it is counted with the project, compressed and
// copy-on-write like the data, and goes with the incarnation. Named after
// the volume, so that every incarnation (create and each reset) archives
// into a fresh one: a reset branch's new WAL reuses file names that its
// old archive already holds. Incarnations made by a velo that kept
// archives under the data root (<data_root>/archive/<volume>) keep theirs
// there until they are reset or deleted.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/history/wal_position.h"
#include "storage/driver.h"

namespace velo::core {

// "<volume>.wal", and whether a volume's name is one.
std::string archive_volume_of(const std::string& volume);
bool is_archive_volume(const std::string& volume);
// The incarnation's archive directory: in its archive volume, or the one
// under the data root while that exists.
std::string archive_dir_of(const Config& config, const storage::Driver& driver,
                           const std::string& volume);
// Makes the incarnation's archive volume; Ok if it is there already.
Status create_archive_volume(storage::Driver& driver, const std::string& volume);

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

// Removes an incarnation's archive, its volume and any directory under
// the data root (for branch delete, reset and failed creates); Ok if
// absent.
Status remove_archive(const Config& config, storage::Driver& driver, const std::string& volume);

}  // namespace velo::core
