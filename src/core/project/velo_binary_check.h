// velo doctor's check of the velo binary each running native server calls
// as its archive_command (written into PGDATA/velo.conf when it started):
// a binary that has since been moved or deleted makes every archive
// attempt fail, and the server keeps retrying without a word to the user.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/branch/inspect.h"
#include "core/project/doctor.h"

namespace velo::core {

// The program an archive_command that runs "velo wal-archive" calls, its
// first word unquoted as /bin/sh would; nullopt for any other command (a
// docker branch's shell script).
std::optional<std::string> velo_binary_of(const std::string& archive_command);

// Why `path` cannot be run: "" when it is an executable regular file
// (after symlinks), else "is missing", "is not executable", ...
std::string binary_problem(const std::string& path);

// A "fail" finding per running branch whose velo.conf names a velo that
// cannot run, with the fix; one "ok" finding when there is none.
std::vector<Finding> check_velo_binaries(const std::vector<BranchInfo>& branches);

}  // namespace velo::core
