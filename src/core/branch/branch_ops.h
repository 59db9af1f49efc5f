// Branch operations. Each is a list of steps with undo: a failure midway
// leaves no dataset, server or state row behind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/branch/listen_address.h"
#include "core/cluster.h"
#include "core/context.h"
#include "core/history/pitr_plan.h"
#include "core/names.h"

namespace velo::core {

class Operation;

struct CreateBranchOptions {
  BranchName name;
  std::optional<BranchName> parent = std::nullopt;  // default: PROJECT/main
  bool start = true;
  bool archive = true;  // --no-archive turns the branch's WAL archive off
  std::optional<TargetSpec> target = std::nullopt;     // --at TIME | --lsn LSN: point in time
  std::string listen_address = kDefaultListenAddress;  // --listen
  // --max-size (core/branch/max_size.h): a cap, or nullopt inside for
  // none; unset, the branch gets the project's default.
  std::optional<std::optional<uint64_t>> max_size = std::nullopt;
  // --retention (and --snapshot-every, default the project's): a window of
  // the branch's own, kept by `velo maintain` as main's is. 0: none.
  int64_t retention_s = 0;
  int64_t snapshot_every_s = 0;
  // --setting NAME=VALUE: server settings of its own, over its project's
  // (core/branch/server_settings.h).
  state::ServerSettings settings = {};
};

Result<BranchHandle> create_branch(Context& ctx, const CreateBranchOptions& options);

// Refuses (Conflict) while the branch has children, unless `force`, which
// deletes them first, deepest first. With `kept_logs`, each deleted
// branch's server log is moved to HOME/logs/deleted/ (core/branch/logs.h)
// instead of removed, and its new path appended there.
Status delete_branch(Context& ctx, const BranchName& name, bool force,
                     std::vector<std::string>* kept_logs = nullptr);

// Back to the parent's current state; keeps port and password.
Result<BranchHandle> reset_branch(Context& ctx, const BranchName& name);

// Back to one of the branch's own snapshots (a pre-merge snapshot): a new
// clone of it takes the data's place; port, password, parent and base stay.
// The caller holds the project lock.
Result<BranchHandle> restore_branch_locked(Context& ctx, const BranchName& name,
                                           const state::SnapshotRecord& snapshot);

// A reset, restore or password change that velo did not live to finish
// (the row says "resetting" or "rotating"): the branch as its row names
// it, old or new data, is started again unless the user had stopped it,
// gets the password the row holds, and is marked ready. For gc; the
// caller holds the project lock.
Status finish_interrupted(Context& ctx, BranchHandle& handle);

Status start_branch(Context& ctx, const BranchName& name);
// The same, for a caller that holds the project lock.
Status start_branch_locked(Context& ctx, BranchHandle& handle);
Status stop_branch(Context& ctx, const BranchName& name);
Status restart_branch(Context& ctx, const BranchName& name);
// Gives the branch a new generated password; returns it.
Result<std::string> rotate_password(Context& ctx, const BranchName& name);

// Steps shared with project deletion (the caller holds the project lock).
// Gives the rows one status, in one transaction ("deleting": the intent
// that the next command finishes if velo dies; core/recover.h).
Status mark_branches(Context& ctx, std::vector<BranchHandle>& branches, const std::string& status);
// The operation's "stop" step: stops the running servers among `branches`,
// in their order, each with an undo that starts it again.
Status stop_for_delete(Operation& op, Context& ctx, std::vector<BranchHandle>& branches);
Status delete_branch_tree(Context& ctx, BranchHandle& handle,
                          std::vector<std::string>* kept_logs = nullptr);
// Destroys a volume or snapshot now, or records it for `velo gc` when
// clones still depend on it; a volume in use (volume_in_use) is kept.
Status destroy_or_retire(Context& ctx, const std::string& volume, const std::string& snapshot);
// Whether a branch was cloned from one of the volume's snapshots, or a
// snapshot record names the volume: then it is history to keep, not to
// destroy (a branch's earlier incarnation holding its user snapshots and
// its children's bases). destroy_or_retire keeps such a volume; gc finds it
// once nothing refers to it.
Result<bool> volume_in_use(Context& ctx, const std::string& volume);
// Destroys `volume` unless a branch lives on it or it is still in use.
Status destroy_history(Context& ctx, const std::string& volume);
// Retries the project's retired volumes and snapshots.
Status retry_retired(Context& ctx, const std::string& project);

}  // namespace velo::core
