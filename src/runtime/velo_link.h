// The path a native server runs velo by (archive_command, restore_command).
//
// Not /proc/self/exe's target: a server keeps its velo.conf for as long as
// it runs, so moving, rebuilding elsewhere or reinstalling velo would break
// archiving on every running branch without a word. Servers call a symlink
// instead, <data_root>/bin/velo, which velo points at itself whenever it
// starts a server. It lives in the data root because the server's OS user
// can traverse that (0711), while the velo home is root's alone (0700).
#pragma once

#include <string>

#include "util/result.h"

namespace velo::runtime {

// <data_root>/bin/velo.
std::string velo_link_path(const std::string& data_root);

// The running velo binary (/proc/self/exe's target); "velo" when unknown.
std::string self_executable();

// Points `link` at `target`: nothing when it already does, else a
// temporary link renamed over it (atomic: a server running the command
// meanwhile sees the old or the new target, never no link). Creates the
// link's directory (0755) when missing.
Status refresh_link(const std::string& link, const std::string& target);

}  // namespace velo::runtime
