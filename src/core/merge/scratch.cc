#include "core/merge/scratch.h"

#include <fmt/format.h>

#include "core/history/snapshotter.h"
#include "core/ports.h"
#include "util/fs.h"

namespace velo::core {
namespace {

// A throwaway server needs no durability: what a crash would lose is
// thrown away anyway, and without fsync it starts and works faster. It
// lives for seconds, so autovacuum would only compete with its reads.
const pg::Settings& scratch_settings() {
  static const pg::Settings settings = {{"fsync", "off"},
                                        {"synchronous_commit", "off"},
                                        {"full_page_writes", "off"},
                                        {"autovacuum", "off"}};
  return settings;
}

}  // namespace

ScratchServer::ScratchServer(Context& ctx, const BranchHandle& source)
    : ctx_(ctx),
      handle_(source),
      op_("scratch", fmt::format("the scratch copy of {}/{} was removed", source.project.name,
                                 source.branch.name)) {}

Result<std::unique_ptr<ScratchServer>> ScratchServer::of_snapshot(Context& ctx,
                                                                  const BranchHandle& source,
                                                                  const std::string& volume,
                                                                  const std::string& snapshot,
                                                                  const std::string& password) {
  std::unique_ptr<ScratchServer> scratch(new ScratchServer(ctx, source));
  VELO_TRY(scratch->open(volume, snapshot, password));
  return scratch;
}

Result<std::unique_ptr<ScratchServer>> ScratchServer::of_now(Context& ctx, BranchHandle& branch) {
  std::unique_ptr<ScratchServer> scratch(new ScratchServer(ctx, branch));
  VELO_ASSIGN_OR_RETURN(int64_t id, ctx.store.next_id());
  const std::string name = fmt::format("velo-{}", id);
  const std::string volume = branch.branch.volume;
  Operation& op = scratch->op_;
  VELO_TRY(op.step("snapshot", [&]() -> Status {
    op.undo("the snapshot", [&ctx, volume, name] {
      return ok_if_absent(ctx.driver.destroy_snapshot(volume, name));
    });
    ctx.reporter.step(fmt::format("snapshotting {}/{}", branch.project.name, branch.branch.name));
    auto point = snapshot_branch(ctx, branch, name);
    return point.ok() ? Status::Ok() : Status(point.error());
  }));
  VELO_TRY(scratch->open(volume, name, password_in_data_dir(branch.branch)));
  return scratch;
}

Status ScratchServer::open(const std::string& volume, const std::string& snapshot,
                           const std::string& password) {
  state::BranchRecord& record = handle_.branch;
  VELO_ASSIGN_OR_RETURN(int64_t id, ctx_.store.next_id());
  // '.' is in no branch name: no branch's container or log has this name.
  const std::string source_branch = record.name;
  record.name = fmt::format("{}.scratch-{}", source_branch, id);
  record.volume = fmt::format("{}.{}", handle_.project.name, record.name);
  record.password = password;
  record.clone_password.clear();
  record.archive = false;
  record.listen_address = "127.0.0.1";
  record.base_snapshot.clear();
  record.source_snapshot.clear();
  VELO_TRY(ctx_.store.transaction([&]() -> Status {
    VELO_ASSIGN_OR_RETURN(int port, pick_port(ctx_));
    record.port = port;
    return Status::Ok();
  }));
  VELO_TRY(op_.step("clone", [&]() -> Status {
    op_.undo("the scratch clone",
             [this] { return ok_if_absent(ctx_.driver.destroy_volume(handle_.branch.volume)); });
    ctx_.reporter.step(fmt::format("cloning {}@{} for a scratch server", volume, snapshot));
    return ctx_.driver.clone(volume, snapshot, record.volume);
  }));
  handle_ = make_handle(ctx_, handle_.project, record, handle_.runtime);
  VELO_TRY(op_.step("prepare", [&]() -> Status {
    op_.undo("the scratch server's files", [this] {
      discard_prepared(handle_);
      (void)remove_tree(handle_.spec.log_path);
      return Status::Ok();
    });
    return prepare_data_dir(handle_, scratch_settings());
  }));
  return op_.step("start", [&]() -> Status {
    op_.undo("the scratch server", [this] { return discard_server(handle_); });
    return start_and_wait(ctx_, handle_);
  });
}

}  // namespace velo::core
