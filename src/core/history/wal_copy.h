// What the server runs to archive and restore WAL files (the hidden
// `velo wal-archive` and `velo wal-restore` commands). They run as the
// server's OS user, outside any velo home, and use no state.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::core {

// archive_command: copies `source` to DEST_DIR/NAME durably: into a
// temporary file, fsync, rename, fsync of the directory, so that a crash
// leaves either no file or the whole file under NAME. An existing NAME
// with the same content is success (the server retries after a crash
// between our rename and its own bookkeeping); one with different
// content is a Conflict and is never overwritten.
Status archive_wal_file(const std::string& source, const std::string& dest_dir,
                        const std::string& name);

// `velo wal-restore`, the restore_command of native servers until it
// became cp (runtime/native_runtime.cc; kept for a recovery that an older
// velo started): copies ARCHIVE_DIR/NAME to `dest`. NotFound (quietly:
// the server probes for files that do not exist yet, e.g. the next
// timeline's history file) when the archive has no such file.
Status restore_wal_file(const std::string& archive_dir, const std::string& name,
                        const std::string& dest);

// Names the server passes (%f) are plain file names; refuse anything
// that could point elsewhere.
Status check_wal_file_name(const std::string& name);

}  // namespace velo::core
