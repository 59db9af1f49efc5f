// velo branch reset, as the steps of one Operation: a new clone of the
// parent's current state (or, restoring, of one of the branch's own
// snapshots) takes the old one's place. The new clone is made
// and prepared before the old server stops; if the new one fails to
// start, the old one comes back. After the commit, the old incarnation
// (its volume, WAL archive and base snapshot) is cleaned up; a failure
// there is a warning that `velo gc` finishes, never a failed reset.
#include <fmt/format.h>

#include <optional>

#include "core/branch/branch_ops.h"
#include "core/history/archive_alongside.h"
#include "core/history/retention_ops.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "core/operation.h"
#include "core/space/pool.h"

namespace velo::core {
namespace {

// One branch reset: the operation's state between its steps.
class Reset {
 public:
  Reset(Context& ctx, BranchHandle old, BranchHandle parent,
        std::optional<state::SnapshotRecord> restore = std::nullopt)
      : ctx_(ctx), old_(std::move(old)), parent_(std::move(parent)), restore_(std::move(restore)) {}

  Result<BranchHandle> run() {
    VELO_TRY(op_.step("reserve", [&] { return reserve(); }));
    if (!restore_) {
      VELO_TRY(
          op_.step("snapshot", [&] { return with_archive([&] { return snapshot_parent(); }); }));
    }
    VELO_TRY(op_.step("clone", [&] { return clone(); }));
    if (fresh_.branch.max_size_bytes) VELO_TRY(op_.step("size-limit", [&] { return cap(); }));
    VELO_TRY(op_.step("prepare", [&] { return prepare(); }));
    VELO_TRY(op_.step("stop-old", [&] { return stop_old(); }));
    VELO_TRY(op_.step("swap", [&] { return swap(); }));
    VELO_TRY(op_.step("start", [&] { return start(); }));
    VELO_TRY(op_.step("commit", [&] { return commit(); }));
    op_.commit();
    clean_up_old();
    return fresh_;
  }

 private:
  // New names for the new incarnation; the row changes only at swap().
  Status reserve() {
    state::BranchRecord& record = fresh_.branch;
    record = old_.branch;
    return ctx_.store.transaction([&]() -> Status {
      VELO_ASSIGN_OR_RETURN(int64_t id, ctx_.store.next_id());
      record.volume = fmt::format("{}.{}.{}", record.project, record.name, id);
      record.clone_password.clear();  // the new clone gets the branch's password at start()
      // Restored, the branch keeps its parent and base: only its data goes back.
      if (restore_) return Status::Ok();
      record.base_snapshot = fmt::format("velo-{}", id);
      record.parent_volume = parent_.branch.volume;
      record.source_snapshot.clear();  // a point-in-time branch's source no longer serves it
      return Status::Ok();
    });
  }

  // The new archive volume, if the branch keeps one, is made while `work`
  // runs (core/history/archive_alongside.h); a restore makes it in
  // prepare().
  Status with_archive(const std::function<Status()>& work) {
    return alongside_archive_volume(ctx_, op_, "the new WAL archive", fresh_.branch, work);
  }

  Status snapshot_parent() {
    ctx_.reporter.step(
        fmt::format("snapshotting {}/{}", parent_.project.name, parent_.branch.name));
    const std::string name = fresh_.branch.base_snapshot;
    op_.undo("the parent's snapshot", [this, name] {
      return ok_if_absent(ctx_.driver.destroy_snapshot(parent_.branch.volume, name));
    });
    VELO_ASSIGN_OR_RETURN(point_, snapshot_branch(ctx_, parent_, name));
    return Status::Ok();
  }

  Status clone() {
    const state::BranchRecord& record = fresh_.branch;
    const std::string volume = record.volume;
    op_.undo("the new clone",
             [this, volume] { return ok_if_absent(ctx_.driver.destroy_volume(volume)); });
    if (restore_) {
      VELO_TRY(ctx_.driver.clone(restore_->volume, restore_->name, record.volume));
    } else {
      VELO_TRY(ctx_.driver.clone(parent_.branch.volume, record.base_snapshot, record.volume));
    }
    fresh_ = make_handle(ctx_, old_.project, record, old_.runtime);
    return Status::Ok();
  }

  // The branch's cap goes with it to every volume it gets; the new
  // clone's undo removes the volume if this fails.
  Status cap() {
    return ctx_.driver.set_size_limit(fresh_.branch.volume, fresh_.branch.max_size_bytes);
  }

  Status prepare() {
    if (restore_) {  // no snapshot step: with_archive did not run
      const std::string volume = fresh_.branch.volume;
      op_.undo("the new WAL archive",
               [this, volume] { return remove_archive(ctx_.config, ctx_.driver, volume); });
      if (!fresh_.spec.archive_dir.empty()) VELO_TRY(create_archive_volume(ctx_.driver, volume));
    }
    return prepare_data_dir(fresh_);
  }

  // From here until commit() the row says "resetting": if velo dies, the
  // next gc finds the branch without its server and brings it back
  // (finish_interrupted), as it was or reset, whichever the row names.
  Status stop_old() {
    VELO_ASSIGN_OR_RETURN(was_running_, is_running(old_));
    const std::string status = old_.branch.status;
    old_.branch.status = "resetting";
    VELO_TRY(ctx_.store.update_branch(old_.branch));
    op_.undo("the branch's status", [this, status] {
      old_.branch.status = status;
      return ctx_.store.update_branch(old_.branch);
    });
    // Immediate, as the old data is thrown away; the undo's start runs
    // crash recovery, which gives the same data a shutdown would have.
    VELO_TRY(old_.runtime->stop_immediately(old_.spec));
    op_.undo("stopping the old server",
             [this] { return was_running_ ? start_and_wait(ctx_, old_) : Status::Ok(); });
    return old_.runtime->remove(old_.spec);
  }

  // The row names the new clone, with the password its data holds as
  // clone_password (so any later start sets the branch's own), and its base
  // snapshot is recorded: a reset cut short after this is finished by gc.
  Status swap() {
    fresh_.branch.status = "resetting";
    fresh_.branch.clone_password = password_in_source();
    VELO_TRY(ctx_.store.transaction([&]() -> Status {
      VELO_TRY(ctx_.store.update_branch(fresh_.branch));
      if (restore_) return Status::Ok();
      auto id =
          ctx_.store.insert_snapshot(base_snapshot_record(parent_, fresh_.branch.name, point_));
      return id.ok() ? Status::Ok() : Status(id.error());
    }));
    op_.undo("the state row", [this] {
      return ctx_.store.transaction([&]() -> Status {
        if (!restore_) {
          VELO_TRY(
              ctx_.store.delete_snapshot_named(parent_.branch.volume, fresh_.branch.base_snapshot));
        }
        return ctx_.store.update_branch(old_.branch);
      });
    });
    return Status::Ok();
  }

  // The clone carries what its parent's data holds; the branch keeps its
  // own password, which takes a running server to set (a stopped branch
  // stops again).
  Status start() {
    op_.undo("the new server", [this] { return discard_server(fresh_); });
    // The password's verifier is made while the server starts.
    std::optional<Result<std::string>> verifier;
    ReadyWait wait;
    wait.meanwhile = [&] { verifier = password_verifier(ctx_, fresh_, fresh_.branch.password); };
    VELO_TRY(start_and_wait(ctx_, fresh_, wait));  // which ran `meanwhile` after its spawn
    if (!verifier->ok()) return verifier->error();
    VELO_TRY(apply_verifier(ctx_, fresh_, password_in_source(), **verifier));
    fresh_.branch.clone_password.clear();
    VELO_TRY(ctx_.store.update_branch(fresh_.branch));  // gc must not set it again
    if (fresh_.branch.retention_s > 0) VELO_TRY(first_snapshot());
    return was_running_ ? Status::Ok() : stop_server(fresh_);
  }

  // A branch with a window of its own (--retention) starts it anew: its
  // old incarnation's archive goes with it (clean_up_old).
  Status first_snapshot() { return first_window_snapshot(ctx_, op_, fresh_); }

  // What the new clone's data holds: the snapshot's recorded password, else
  // (older snapshots) the branch's own.
  std::string password_in_source() const {
    if (!restore_) return password_in_data_dir(parent_.branch);
    return restore_->password.empty() ? password_in_data_dir(old_.branch) : restore_->password;
  }

  Status commit() {
    fresh_.branch.status = original_status_;
    return ctx_.store.update_branch(fresh_.branch);
  }

  // The old incarnation is no longer referenced: remove it, or leave it to
  // gc when children still depend on its snapshots.
  void clean_up_old() {
    const state::BranchRecord& old = old_.branch;
    // Its snapshots may still serve (the bases of the branch's children, its
    // user snapshots, a pre-merge snapshot): then it is retired, kept as
    // history until nothing needs it.
    if (old.retention_s > 0) {
      op_.cleanup("dropping the old window's snapshots",
                  [&] { return drop_window_history(ctx_, old_.project, old.volume); });
    }
    op_.cleanup("removing the old clone and WAL archive", [&] {
      return alongside_archive_removal(ctx_, old.volume,
                                       [&] { return destroy_or_retire(ctx_, old.volume, ""); });
    });
    // Restored, the branch keeps its base. Otherwise the old base goes,
    // unless the parent's retention window or another branch keeps it.
    if (!restore_) {
      op_.cleanup("releasing the old base snapshot",
                  [&] { return release_base_snapshot(ctx_, old); });
    }
  }

  Context& ctx_;
  BranchHandle old_;
  BranchHandle parent_;
  BranchHandle fresh_;
  std::optional<state::SnapshotRecord> restore_;
  SnapshotPoint point_;
  bool was_running_ = false;
  const std::string original_status_ = old_.branch.status;
  // Last: destroyed first, so its undos run while the state above lives.
  Operation op_{restore_ ? "branch-restore" : "branch-reset",
                fmt::format("{}/{} was not {}", old_.project.name, old_.branch.name,
                            restore_ ? "restored" : "reset")};
};

}  // namespace

Result<BranchHandle> reset_branch(Context& ctx, const BranchName& name) {
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto old, load_branch(ctx, name.project, name.branch));
  if (!old.branch.parent) {
    return make_error(ErrorKind::Invalid, "{} has no parent to reset to", name.full());
  }
  VELO_ASSIGN_OR_RETURN(auto parent, load_branch(ctx, name.project, *old.branch.parent));
  VELO_TRY(check_reserve(ctx, "reset " + name.full()));

  Reset reset(ctx, std::move(old), std::move(parent));
  return explain_if_pool_full(ctx, "reset " + name.full(), reset.run());
}

Result<BranchHandle> restore_branch_locked(Context& ctx, const BranchName& name,
                                           const state::SnapshotRecord& snapshot) {
  VELO_ASSIGN_OR_RETURN(auto old, load_branch(ctx, name.project, name.branch));
  if (snapshot.project != name.project || snapshot.branch != name.branch) {
    return make_error(ErrorKind::Invalid, "snapshot {} is of {}/{}, not of {}", snapshot.id,
                      snapshot.project, snapshot.branch, name.full());
  }
  BranchHandle parent = old;  // unused when restoring
  Reset restore(ctx, std::move(old), std::move(parent), snapshot);
  return restore.run();
}

}  // namespace velo::core
