// Snapshots and WAL archives: /api/v1/branches/P/B/snapshots, /wal and
// /api/v1/snapshots/ID.
#include "app/reports.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_ops.h"
#include "server/router.h"

namespace velo::server {

void add_history_routes(Router& router) {
  const std::string branch = "/branches/([^/]+)/([^/]+)";
  router.get(branch + "/snapshots", [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_ASSIGN_OR_RETURN(auto list, app::snapshot_list_json(call.env().ctx(), name));
    return Reply{200, list};
  });
  router.post(branch + "/snapshots", [](const Call& call) -> Result<Reply> {
    VELO_TRY(only_fields(call.body, {"label"}));
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_ASSIGN_OR_RETURN(auto label, text_field(call.body, "label"));
    VELO_TRY(core::validate_label(label.value_or("")));
    VELO_ASSIGN_OR_RETURN(auto snapshot,
                          core::create_snapshot(call.env().ctx(), name, label.value_or("")));
    return Reply{201, app::snapshot_json(snapshot, {})};
  });
  router.del("/snapshots/([0-9]{1,18})", [](const Call& call) -> Result<Reply> {
    const int64_t id = std::stoll(call.capture(1));
    VELO_TRY(core::delete_snapshot(call.env().ctx(), id));
    return Reply{200, {{"id", id}, {"result", "deleted"}}};
  });
  router.get(branch + "/wal", [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_ASSIGN_OR_RETURN(auto status, core::wal_status(call.env().ctx(), name));
    return Reply{200, app::wal_status_json(name, status)};
  });
}

}  // namespace velo::server
