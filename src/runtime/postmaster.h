// Facts about a native server read from the system: the postmaster's pid
// from PGDATA/postmaster.pid, and whether that pid is still a postgres.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace velo::runtime {

// The first line of PGDATA/postmaster.pid; nullopt if absent or garbled.
std::optional<pid_t> read_postmaster_pid(const std::string& data_dir);

// True if `pid` exists, is not a zombie, and runs a postgres binary. A
// stale postmaster.pid may name a pid that the kernel has reused for some
// other program, and a zombie still answers kill(pid, 0).
bool is_live_postgres(pid_t pid);

}  // namespace velo::runtime
