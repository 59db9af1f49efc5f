// What velo reports about projects, branches and their history, as JSON:
// one shape for `--json` on the command line and for the HTTP API, so a
// script can move from one to the other without relearning fields.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/branch/inspect.h"
#include "core/cluster.h"
#include "core/context.h"
#include "core/history/wal_ops.h"
#include "core/merge/diff_op.h"
#include "core/merge/merge_op.h"
#include "core/merge/revert_op.h"
#include "core/names.h"
#include "core/project/doctor.h"
#include "core/space/pool.h"
#include "core/space/project_space.h"
#include "pg/conn_params.h"
#include "state/records.h"

namespace velo::app {

// A branch as list, status and project show give it (no password).
nlohmann::json branch_json(const core::BranchInfo& info);
// The server settings velo gives a branch: its idle defaults and the
// project's and its own overrides ({} for main, which keeps its own).
nlohmann::json server_settings_json(const core::BranchHandle& handle);
// `branch show`: branch_json plus its data directory, the snapshot its
// data came from, a point-in-time target, the server's version and its
// settings.
nlohmann::json branch_detail_json(core::Context& ctx, core::BranchHandle& handle);

// A project's added-up sizes, and a pool's size, use and free space.
nlohmann::json project_space_json(const core::ProjectSpace& space);
nlohmann::json pool_json(const storage::PoolSpace& pool);

// {host, port, database, user, password (null when absent), url}.
nlohmann::json connection_json(const pg::ConnParams& params);
// The connection a user gets to the branch, password included.
nlohmann::json connection_object(const core::BranchHandle& handle);

// Projects as `project list` gives them.
Result<nlohmann::json> project_list_json(core::Context& ctx);
// `project show`: the project, what main follows, and its branches.
Result<nlohmann::json> project_json(core::Context& ctx, const std::string& name);
// {"source", "slot", "receiver", "lag_bytes", "lag_seconds", ...} when
// main follows a source, else null.
Result<nlohmann::json> follow_json(core::Context& ctx, const std::string& project);

nlohmann::json snapshot_json(const state::SnapshotRecord& s,
                             const std::vector<std::string>& used_by);
// Snapshots of a project, or of one branch, with who uses each.
Result<nlohmann::json> snapshot_list_json(core::Context& ctx,
                                          const std::optional<core::BranchName>& branch);
nlohmann::json wal_status_json(const core::BranchName& name, const core::WalStatus& status);
nlohmann::json doctor_json(const std::vector<core::Finding>& findings);
// A merge record; `full` adds its plan and rehearsal.
nlohmann::json merge_json(const state::MergeRecord& m, bool full);

// `branch diff`: {name, from, summary, changes, plan}.
nlohmann::json diff_json(const core::BranchName& name, const core::BranchDiff& diff);
// `branch merge`: the merge's plan, rehearsal and timings, and whether it
// was a dry run.
nlohmann::json merge_result_json(const core::MergeResult& result, bool dry_run);
// `merge revert` of merge `id`.
nlohmann::json revert_json(const core::RevertResult& result, int64_t id, bool dry_run);

}  // namespace velo::app
