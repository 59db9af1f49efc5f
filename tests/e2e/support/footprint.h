// What a command left on disk, for "bad input creates nothing": the paths
// below some directories down to a depth each, sorted. Running servers
// change files deep inside their data directories; the depth keeps the
// listing to what velo itself makes (homes, lock files, volumes, data
// roots, archives, images).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace velo::e2e {

// Every path below each root, at most `depth` levels down, without the
// state database's own files (SQLite makes and drops -wal and -shm as it
// opens and closes). A missing root lists as nothing.
std::vector<std::string> footprint(const std::vector<std::pair<std::string, int>>& roots);

}  // namespace velo::e2e
