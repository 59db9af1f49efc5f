// Small file helpers. Paths are plain strings; errors name the path.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace velo {

// Writes via a temporary file, fsync, rename and fsync of the directory,
// so readers see the old or the new content, never a torn one.
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode);
// The same, with the file owned by uid:gid before it appears (for files in
// a data directory, which the server's user must be able to read).
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode,
                         uid_t uid, gid_t gid);
// write_file_atomic without the fsyncs, for caches: readers never see a
// torn file, but after a crash it may be the old one, empty or missing.
Status write_file_replace(const std::string& path, const std::string& content, mode_t mode);
Result<std::string> read_file(const std::string& path);
// mkdir -p; the directories it creates get `mode`.
Status make_dirs(const std::string& path, mode_t mode);
bool path_exists(const std::string& path);
// rm -rf; Ok if absent.
Status remove_tree(const std::string& path);
Status fsync_path(const std::string& path);
// chown -R, touching only entries whose owner differs (clones usually
// match already, and a full rewrite of metadata is slow on big trees).
Status chown_tree(const std::string& path, uid_t uid, gid_t gid);
// chown_tree for a copy of a tree that wholly belonged to uid:gid, into
// which others wrote only at the top and into the subdirectories named in
// `written`: when the root belongs to uid:gid, only its entries, those
// subdirectories and any subdirectory of another owner are walked (a walk
// of every file costs about 10 us a file on a fresh clone). Any other root
// gets chown_tree.
Status chown_copy(const std::string& path, uid_t uid, gid_t gid,
                  const std::vector<std::string>& written);
// Where the filesystem whose source is `source` (a device, or a zfs
// dataset name) is mounted, from /proc/mounts; "" when it is not.
std::string mountpoint_of_source(const std::string& source);
// The first executable `program` in $PATH's directories, "" for none.
std::string find_on_path(const std::string& program);
// The last `lines` lines of a file ("" if unreadable).
std::string tail_file(const std::string& path, int lines);

}  // namespace velo
