// velo branch create, as the steps of one Operation: reserve a row and a
// port, take the source (a fresh snapshot of the parent, or for a
// point-in-time branch the parent's newest snapshot before the target,
// with the parent's archive sealed), clone, prepare, start (or recover to
// the target), give the branch its own password, commit. Each step
// registers its undo.
#include <fmt/format.h>

#include "core/branch/branch_ops.h"
#include "core/branch/max_size.h"
#include "core/history/archive_alongside.h"
#include "core/history/pitr_recover.h"
#include "core/history/pitr_source.h"
#include "core/history/retention.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_archive.h"
#include "core/locks.h"
#include "core/operation.h"
#include "core/ports.h"
#include "core/secrets.h"
#include "core/space/pool.h"
#include "util/fs.h"
#include "util/time_format.h"
#include "util/timings.h"

namespace velo::core {
namespace {

Result<BranchHandle> load_parent(Context& ctx, const CreateBranchOptions& options) {
  BranchName parent = options.parent.value_or(BranchName{options.name.project, "main"});
  if (parent.project != options.name.project) {
    return make_error(ErrorKind::Invalid, "the parent {} is in another project than {}",
                      parent.full(), options.name.full());
  }
  VELO_ASSIGN_OR_RETURN(auto handle, load_branch(ctx, parent.project, parent.branch));
  if (handle.branch.status != "ready") {
    return make_error(ErrorKind::Conflict, "the parent {} is {}", parent.full(),
                      handle.branch.status == "creating"
                          ? "still being created"
                          : "being reset (if no velo command is, run velo gc)");
  }
  return handle;
}

// One branch create: the operation's state between its steps.
class Creation {
 public:
  Creation(Context& ctx, const CreateBranchOptions& options, BranchHandle parent,
           std::optional<RecoveryPlan> plan)
      : ctx_(ctx), options_(options), parent_(std::move(parent)), plan_(std::move(plan)) {}

  Result<BranchHandle> run() {
    const bool pitr = plan_.has_value();
    VELO_TRY(op_.step("reserve", [&] { return reserve(); }));
    if (pitr) {
      VELO_TRY(op_.step("seal-archive",
                        [&] { return with_archive([&] { return seal_parent_archive(); }); }));
    } else {
      VELO_TRY(
          op_.step("snapshot", [&] { return with_archive([&] { return snapshot_parent(); }); }));
    }
    VELO_TRY(op_.step("clone", [&] { return clone(); }));
    if (handle_.branch.max_size_bytes) VELO_TRY(op_.step("size-limit", [&] { return cap(); }));
    VELO_TRY(op_.step("prepare", [&] { return prepare(); }));
    if (options_.start) VELO_TRY(op_.step(pitr ? "recover" : "start", [&] { return start(); }));
    VELO_TRY(op_.step("password", [&] { return set_password(); }));
    if (pitr) VELO_TRY(op_.step("start-snapshot", [&] { return snapshot_start(); }));
    VELO_TRY(op_.step("commit", [&] { return commit(); }));
    if (handle_.branch.retention_s > 0 && options_.start) {
      VELO_TRY(op_.step("first-snapshot", [&] { return first_snapshot(); }));
    }
    op_.commit();
    return handle_;
  }

 private:
  // The row, as `creating`, with its port and names: from here on the port
  // is taken and `velo gc` knows what a crash left.
  Status reserve() {
    const BranchName& name = options_.name;
    state::BranchRecord& record = handle_.branch;
    record.project = name.project;
    record.name = name.branch;
    record.parent = parent_.branch.name;
    record.status = "creating";
    record.listen_address = options_.listen_address;
    // Until the branch's first start sets its own, the clone opens with
    // what its source's data directory holds.
    record.password = password_in_data_dir(parent_.branch);
    record.parent_volume = parent_.branch.volume;
    record.created_at = format_utc(ctx_.clock.now());
    record.archive = options_.archive;
    record.max_size_bytes = effective_max_size(options_.max_size, parent_.project.max_size_bytes);
    record.retention_s = options_.retention_s;
    record.settings = options_.settings;
    if (options_.retention_s > 0) {
      record.snapshot_every_s = options_.snapshot_every_s > 0 ? options_.snapshot_every_s
                                                              : parent_.project.snapshot_every_s;
    }
    VELO_TRY(ctx_.store.transaction([&]() -> Status {
      VELO_ASSIGN_OR_RETURN(int port, pick_port(ctx_));
      VELO_ASSIGN_OR_RETURN(int64_t id, ctx_.store.next_id());
      record.port = port;
      record.volume = fmt::format("{}.{}.{}", name.project, name.branch, id);
      if (plan_) {
        record.source_snapshot = plan_->snapshot.name;
      } else {
        record.base_snapshot = fmt::format("velo-{}", id);
      }
      return ctx_.store.insert_branch(record);
    }));
    op_.undo("the state row", [this]() -> Status {
      // A failed create leaves no log behind to confuse the next attempt.
      (void)remove_tree(log_path_of(ctx_, options_.name.project, options_.name.branch));
      return ctx_.store.delete_branch(options_.name.project, options_.name.branch);
    });
    return Status::Ok();
  }

  // The branch's WAL archive volume, if it keeps one, is made while
  // `work` runs (core/history/archive_alongside.h).
  Status with_archive(const std::function<Status()>& work) {
    return alongside_archive_volume(ctx_, op_, "the WAL archive", handle_.branch, work);
  }

  // A point-in-time branch clones an existing snapshot; its target must be
  // in the parent's archive first.
  Status seal_parent_archive() {
    std::optional<Lsn> target;
    if (plan_->target.kind == TargetSpec::Kind::Lsn) target = plan_->target.lsn;
    return seal_archive(ctx_, parent_, target);
  }

  Status snapshot_parent() {
    ctx_.reporter.step(
        fmt::format("snapshotting {}/{}", parent_.project.name, parent_.branch.name));
    const std::string& name = handle_.branch.base_snapshot;
    op_.undo("the parent's snapshot", [this, name] {
      return ok_if_absent(ctx_.driver.destroy_snapshot(parent_.branch.volume, name));
    });
    VELO_ASSIGN_OR_RETURN(point_, snapshot_branch(ctx_, parent_, name));
    return Status::Ok();
  }

  Status clone() {
    const std::string& source = plan_ ? plan_->snapshot.name : handle_.branch.base_snapshot;
    op_.undo("the clone",
             [this] { return ok_if_absent(ctx_.driver.destroy_volume(handle_.branch.volume)); });
    VELO_TRY(ctx_.driver.clone(parent_.branch.volume, source, handle_.branch.volume));
    handle_ = make_handle(ctx_, parent_.project, handle_.branch, parent_.runtime);
    return Status::Ok();
  }

  // Before the server ever runs on the clone; if it fails, the clone's
  // undo takes the volume away with its cap.
  Status cap() {
    return ctx_.driver.set_size_limit(handle_.branch.volume, handle_.branch.max_size_bytes);
  }

  // The archive volume is there already (with_archive).
  Status prepare() {
    op_.undo("the cluster's files", [this] {
      discard_prepared(handle_);
      return Status::Ok();
    });
    if (plan_) return prepare_recovery(handle_, *plan_, parent_.spec.archive_dir);
    return prepare_data_dir(handle_);
  }

  Status start() {
    op_.undo("the server", [this] { return discard_server(handle_); });
    if (plan_) return recover_to_target(ctx_, handle_, *plan_);
    ctx_.reporter.step(fmt::format("starting {}", options_.name.full()));
    VELO_ASSIGN_OR_RETURN(new_password_, generate_password());
    ReadyWait wait;
    wait.meanwhile = [this] { verifier_ = password_verifier(ctx_, handle_, new_password_); };
    return start_and_wait(ctx_, handle_, wait);
  }

  // Each branch gets its own password: copies of production data must not
  // all open with one key. A branch made without a start gets it now and
  // keeps the one its data holds until its first start sets it.
  Status set_password() {
    if (new_password_.empty()) {
      VELO_ASSIGN_OR_RETURN(new_password_, generate_password());
    }
    const std::string password = new_password_;
    if (!options_.start) {
      handle_.branch.clone_password = handle_.branch.password;
      handle_.branch.password = password;
      handle_.branch.stopped_by_user = true;  // --no-start: not a crash
      return Status::Ok();
    }
    // Made while the server started, where it could be.
    if (!verifier_) verifier_ = password_verifier(ctx_, handle_, password);
    if (!verifier_->ok()) return verifier_->error();
    VELO_TRY(apply_verifier(ctx_, handle_, handle_.branch.password, **verifier_));
    handle_.branch.password = password;
    return Status::Ok();
  }

  // A point-in-time branch has no base snapshot of its own: its state when
  // promoted is kept instead, as what `velo branch diff` and merge compare
  // it with. Not on the copy driver, where it would cost a full copy.
  Status snapshot_start() {
    if (ctx_.driver.name() == "copy") return Status::Ok();
    VELO_ASSIGN_OR_RETURN(int64_t id, ctx_.store.next_id());
    const std::string name = fmt::format("velo-{}", id);
    const std::string volume = handle_.branch.volume;
    op_.undo("the start snapshot", [this, volume, name] {
      return ok_if_absent(ctx_.driver.destroy_snapshot(volume, name));
    });
    VELO_ASSIGN_OR_RETURN(auto point, snapshot_branch(ctx_, handle_, name));
    start_point_ = point;
    return Status::Ok();
  }

  // The start of the branch's own retention window (--retention), as a
  // project's first snapshot starts main's.
  Status first_snapshot() { return first_window_snapshot(ctx_, op_, handle_); }

  Status commit() {
    handle_.branch.status = "ready";
    return ctx_.store.transaction([&]() -> Status {
      VELO_TRY(ctx_.store.update_branch(handle_.branch));
      if (plan_) {  // cloned from a snapshot it does not own; its own start, if kept
        if (!start_point_) return Status::Ok();
        state::SnapshotRecord start = snapshot_record(handle_, *start_point_, "start");
        // What branch show reports as the branch's target (core/branch/origin.h).
        start.label = "recovered to " + describe_target(plan_->target);
        auto id = ctx_.store.insert_snapshot(start);
        return id.ok() ? Status::Ok() : Status(id.error());
      }
      auto id =
          ctx_.store.insert_snapshot(base_snapshot_record(parent_, options_.name.branch, point_));
      return id.ok() ? Status::Ok() : Status(id.error());
    });
  }

  Context& ctx_;
  const CreateBranchOptions& options_;
  BranchHandle parent_;
  std::optional<RecoveryPlan> plan_;
  BranchHandle handle_;
  SnapshotPoint point_;
  std::optional<SnapshotPoint> start_point_;
  // The branch's own password, and its verifier once made (during start).
  std::string new_password_;
  std::optional<Result<std::string>> verifier_;
  // Last: destroyed first, so its undos run while the state above lives.
  Operation op_{"branch-create", fmt::format("branch {} was not created", options_.name.full())};
};

// --retention and --snapshot-every: a window needs the WAL archive.
Status check_branch_window(const CreateBranchOptions& options) {
  if (options.retention_s == 0) {
    if (options.snapshot_every_s == 0) return Status::Ok();
    return make_error(ErrorKind::Invalid, "--snapshot-every needs --retention");
  }
  if (!options.archive) {
    return make_error(ErrorKind::Invalid,
                      "--retention needs the branch's WAL archive: drop --no-archive");
  }
  // The interval may come from the project: only the window is checked.
  return validate_policy(options.retention_s,
                         options.snapshot_every_s > 0 ? options.snapshot_every_s : 3600);
}

}  // namespace

Result<BranchHandle> create_branch(Context& ctx, const CreateBranchOptions& options) {
  const BranchName& name = options.name;
  VELO_TRY(validate_listen_address(options.listen_address));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, name.project));
  VELO_ASSIGN_OR_RETURN(auto parent, load_parent(ctx, options));
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.branch(name.project, name.branch));
  if (existing) return make_error(ErrorKind::Conflict, "branch {} already exists", name.full());
  VELO_TRY(check_reserve(ctx, "create branch " + name.full()));
  // A cap the storage cannot enforce is refused before anything is made.
  VELO_TRY(
      check_max_size(ctx, effective_max_size(options.max_size, parent.project.max_size_bytes)));
  VELO_TRY(check_branch_window(options));
  // A point-in-time branch: validate the target before anything is made.
  std::optional<RecoveryPlan> plan;
  if (options.target) {
    if (!options.start) {
      return make_error(ErrorKind::Invalid,
                        "--no-start does not go with --at or --lsn: the "
                        "branch runs to recover to its target");
    }
    timings::Scope span("plan");  // the parent's window: a session, its archive
    VELO_ASSIGN_OR_RETURN(auto inputs, window_inputs(ctx, parent));
    VELO_ASSIGN_OR_RETURN(plan, plan_recovery(inputs, *options.target));
  }

  Creation creation(ctx, options, std::move(parent), std::move(plan));
  return explain_if_pool_full(ctx, "create branch " + name.full(), creation.run());
}

}  // namespace velo::core
