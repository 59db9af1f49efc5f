// Facts about a native server read from the system: the postmaster's pid
// from PGDATA/postmaster.pid, and whether that pid is still the postgres
// serving that data directory.
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

// True if the working directory of `pid` is `dir` (same device and inode).
// False when either cannot be read.
bool process_runs_in(pid_t pid, const std::string& dir);

// The pid of the live postmaster that serves `data_dir`, if any: the pid in
// its postmaster.pid, and only when that process is a postgres whose
// working directory is `data_dir` (a postmaster chdirs to its data
// directory). A pid alone is not enough: a fresh clone still holds its
// parent's postmaster.pid, and after a reboot a stale file may name a pid
// that another branch's postmaster has now. Nothing may signal those.
std::optional<pid_t> live_postmaster_of(const std::string& data_dir);

// True if the program `pid` runs was replaced or removed on disk since it
// started (the kernel marks /proc/PID/exe "(deleted)"): after a package
// upgrade, a server keeps running the old code until it restarts.
bool runs_replaced_binary(pid_t pid);

}  // namespace velo::runtime
