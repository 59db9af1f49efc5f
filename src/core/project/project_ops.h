// Project operations: a project is a lineage of branches rooted at main.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "core/operation.h"

namespace velo::core {

struct CreateProjectOptions {
  std::string name;
  std::string pg_version = "15";
  std::string runtime = "native";  // native | docker
  std::string image;               // docker: "" means postgres:<pg_version>
  int64_t archive_timeout_s = 60;  // main archives its WAL; bounds the archive's lag
  // The retention window (core/history/retention.h).
  int64_t retention_s = 86400;
  int64_t snapshot_every_s = 3600;
  // The default cap of the project's branches (--max-size); main has none.
  std::optional<uint64_t> max_size_bytes = std::nullopt;
  // Server settings its branches get (--branch-setting NAME=VALUE).
  state::ServerSettings branch_settings = {};
};

// What fills a new main before the project is made (a dump's restore):
// its "restore" step, run with the project locked and the main's row
// still "creating", so that a crash midway leaves no project behind.
using PopulateMain = std::function<Status(BranchHandle& main)>;

// Creates the project and its running main branch (initdb), with a first
// scheduled snapshot: the start of its retention window.
Result<BranchHandle> create_project(Context& ctx, const CreateProjectOptions& options,
                                    const PopulateMain& populate = {});

struct DeleteProjectResult {
  std::string warning;  // a replication slot left on the source, for the user to drop
};

// velo project set: a new retention window or snapshot interval, used
// from the next `velo maintain` on. Invalid for values out of range.
Status set_project_retention(Context& ctx, const std::string& name, int64_t retention_s,
                             int64_t snapshot_every_s);

// Refuses (Conflict) while branches other than main exist, unless `force`.
// A main that follows its source through a --slot has the slot dropped
// there (core/follow_ops.h). The rows say "deleting" before anything is
// touched; once the servers are down the delete only goes forward.
Result<DeleteProjectResult> delete_project(Context& ctx, const std::string& name, bool force);

// The forward half of a project delete, whose rows say "deleting": its
// data, snapshots, merges and rows go. Returns delete_project's warning.
// Also how the next command finishes a delete velo did not live to
// finish. The caller holds the project lock.
Result<std::string> finish_project_delete(Context& ctx, const std::string& name);

// The first steps of every project create ("reserve", "volume"): the
// project row, main's row ("creating", with a port and a volume name), the
// empty volume, and their undos registered on `op`. `main_password` may be empty (an import
// sets it later). REQUIRES: the caller holds the project lock.
Result<BranchHandle> reserve_project(Context& ctx, const state::ProjectRecord& project,
                                     const std::string& main_password, runtime::Runtime* runtime,
                                     Operation& op);

}  // namespace velo::core
