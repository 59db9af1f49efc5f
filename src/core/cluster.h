// One branch's server: where its files are, how to reach it, and getting
// it from "files on disk" to "accepting connections".
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/cluster_hooks.h"
#include "core/context.h"
#include "pg/config_files.h"
#include "pg/conn_params.h"
#include "runtime/runtime.h"
#include "state/records.h"

namespace velo::core {

// A branch together with its project, the runtime that serves it, and the
// cluster hooks of its kind. Built by make_handle (or load_branch) only.
struct BranchHandle {
  state::ProjectRecord project;
  state::BranchRecord branch;
  runtime::Runtime* runtime = nullptr;
  runtime::ClusterSpec spec;
  const ClusterHooks* hooks = nullptr;
};

// NotFound (exit 2) for an unknown project or branch.
Result<state::ProjectRecord> load_project(Context& ctx, const std::string& name);
Result<BranchHandle> load_branch(Context& ctx, const std::string& project,
                                 const std::string& branch);
// The handle of `branch` as the records say (the spec's volume path, port,
// log path...; the context's hooks), served by `runtime`.
BranchHandle make_handle(Context& ctx, const state::ProjectRecord& project,
                         const state::BranchRecord& branch, runtime::Runtime* runtime);

std::string data_dir_of(Context& ctx, const std::string& volume);
// HOME/logs/<project>.<branch>.log: the server's log (native runtime).
std::string log_path_of(Context& ctx, const std::string& project, const std::string& branch);
pg::ConnParams conn_params(const BranchHandle& handle);

// Writes velo's own settings into a data directory (a fresh clone or a
// fresh initdb): drops what a clone must not keep, writes velo.conf (once
// per start: velo's settings, then `extra`, e.g. a recovery target) and
// its include line, and hands the files to the server's user.
Status prepare_data_dir(BranchHandle& handle, const pg::Settings& extra = {});
// The undo of prepare_data_dir: removes what the cluster hooks made
// outside the data directory (an imported cluster's admin socket
// directory). The data directory itself goes with its volume.
void discard_prepared(const BranchHandle& handle);
// What prepare_data_dir writes into velo.conf before `extra`.
pg::Settings velo_settings(BranchHandle& handle);
// The postmaster's status word from PGDATA/postmaster.pid ("starting",
// "ready", "standby", "stopping"), "" when there is none.
std::string postmaster_status(const std::string& data_dir);

// What "up" means for a server being waited for, and how to report it.
struct ReadyWait {
  std::chrono::seconds timeout = std::chrono::seconds(600);
  // Asked once the server accepts connections; false keeps waiting.
  std::function<Result<bool>()> done;
  // A test without a connection, asked first, that says `done` cannot be
  // true yet (a point-in-time recovery: recovery.signal is still there).
  // A hot standby says "ready" in postmaster.pid, so without it every
  // poll of a long replay would log in to ask, slowing the replay down.
  std::function<bool()> not_yet;
  // Called on every poll with the postmaster's status (progress).
  std::function<void(const std::string& status)> on_poll;
  // Turns "the server exited" into the caller's error (a recovery that
  // ended before its target).
  std::function<Error(const Error& exited)> on_exit;
  // For the timeout message: "accept connections", "reach <target>".
  std::string goal = "accept connections";
  // The caller's own work, done once right after the spawn: its CPU time
  // (a password's verifier) then hides in the server's start.
  std::function<void()> meanwhile;
};

// Starts the server and waits until it is up, as `wait` defines it (the
// one readiness loop: the postmaster's status line, then one ping, polled
// every 0.5-5 ms through the clock); fails early, with the server's last
// log lines, when the server exits.
Status start_and_wait(Context& ctx, BranchHandle& handle, const ReadyWait& wait = {});
Status stop_server(BranchHandle& handle);
// Stops the server at once (its data is thrown away next: no shutdown
// checkpoint) and removes what the runtime keeps of it (a docker container,
// also one that exited at start): the undo of a start.
Status discard_server(BranchHandle& handle);
// Whether the branch's server runs; an error when the runtime cannot tell
// (no Docker engine answering), never a guess: a snapshot of a server
// taken for stopped would skip its CHECKPOINT.
Result<bool> is_running(BranchHandle& handle);

// The superuser password the branch's data directory holds: its own, or
// for a clone never started yet, its source's (BranchRecord::clone_password).
const std::string& password_in_data_dir(const state::BranchRecord& branch);

// Sets the branch's superuser password inside the server (as a SCRAM
// verifier, so the clear text is never in SQL nor in the server log).
Status apply_password(Context& ctx, BranchHandle& handle, const std::string& connect_password,
                      const std::string& new_password);
// The same in two halves: the verifier needs no server, so it can be made
// while one starts.
Result<std::string> password_verifier(Context& ctx, const BranchHandle& handle,
                                      const std::string& password);
Status apply_verifier(Context& ctx, BranchHandle& handle, const std::string& connect_password,
                      const std::string& verifier);

}  // namespace velo::core
