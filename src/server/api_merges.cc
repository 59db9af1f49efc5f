// Schema diffs and merges: /api/v1/branches/P/B/diff and /merge, and
// /api/v1/merges (list, show, revert).
#include "app/reports.h"
#include "core/cluster.h"
#include "core/merge/diff_op.h"
#include "core/merge/merge_op.h"
#include "core/merge/revert_op.h"
#include "server/router.h"

namespace velo::server {
namespace {

Result<Reply> diff(Router& router, const Call& call) {
  VELO_TRY(only_fields(call.body, {"against", "database"}));
  core::DiffOptions options;
  VELO_ASSIGN_OR_RETURN(options.name, branch_from_path(call));
  VELO_ASSIGN_OR_RETURN(auto against, text_field(call.body, "against"));
  if (against) {
    VELO_ASSIGN_OR_RETURN(options.against, core::parse_branch_name(*against));
  }
  VELO_ASSIGN_OR_RETURN(options.database, text_field(call.body, "database"));
  VELO_TRY(core::load_branch(call.env().ctx(), options.name.project, options.name.branch));
  auto operation = router.parts().operations.start(
      "branch.diff", options.name.full(),
      [options](app::Environment& env) -> Result<nlohmann::json> {
        VELO_ASSIGN_OR_RETURN(auto result, core::diff_branch(env.ctx(), options));
        return app::diff_json(options.name, result);
      });
  return Reply{202, operation};
}

// dry_run, allow_hazards and lock_timeout_ms, shared by merge and revert.
Status read_merge_flags(const nlohmann::json& body, core::MergeOptions& options) {
  VELO_ASSIGN_OR_RETURN(options.dry_run, flag_field(body, "dry_run", false));
  VELO_ASSIGN_OR_RETURN(options.allow_hazards, flag_field(body, "allow_hazards", false));
  VELO_ASSIGN_OR_RETURN(auto timeout, integer_field(body, "lock_timeout_ms"));
  if (timeout) {
    if (*timeout < 1 || *timeout > 3'600'000) {
      return make_error(ErrorKind::Invalid, "field \"lock_timeout_ms\" must be 1 to 3600000");
    }
    options.apply.lock_timeout = std::chrono::milliseconds(*timeout);
  }
  return Status::Ok();
}

Result<Reply> merge(Router& router, const Call& call) {
  VELO_TRY(only_fields(call.body, {"into", "dry_run", "allow_hazards", "lock_timeout_ms"}));
  core::MergeOptions options;
  VELO_ASSIGN_OR_RETURN(options.source, branch_from_path(call));
  VELO_ASSIGN_OR_RETURN(auto into, text_field(call.body, "into"));
  if (into) {
    VELO_ASSIGN_OR_RETURN(options.into, core::parse_branch_name(*into));
  }
  VELO_TRY(read_merge_flags(call.body, options));
  VELO_TRY(core::load_branch(call.env().ctx(), options.source.project, options.source.branch));
  auto operation = router.parts().operations.start(
      "branch.merge", options.source.full(),
      [options](app::Environment& env) -> Result<nlohmann::json> {
        VELO_ASSIGN_OR_RETURN(auto result, core::merge_branch(env.ctx(), options));
        return app::merge_result_json(result, options.dry_run);
      });
  return Reply{202, operation};
}

Result<Reply> revert(Router& router, const Call& call) {
  VELO_TRY(only_fields(call.body, {"to_snapshot", "dry_run", "allow_hazards", "lock_timeout_ms"}));
  core::RevertOptions options;
  options.id = std::stoll(call.capture(1));
  VELO_ASSIGN_OR_RETURN(options.to_snapshot, flag_field(call.body, "to_snapshot", false));
  VELO_TRY(read_merge_flags(call.body, options.merge));
  VELO_ASSIGN_OR_RETURN(auto record, call.env().ctx().store.merge(options.id));
  if (!record) return make_error(ErrorKind::NotFound, "no merge {}", options.id);
  auto operation = router.parts().operations.start(
      "merge.revert", std::to_string(options.id),
      [options](app::Environment& env) -> Result<nlohmann::json> {
        VELO_ASSIGN_OR_RETURN(auto result, core::revert_merge(env.ctx(), options));
        return app::revert_json(result, options.id, options.merge.dry_run);
      });
  return Reply{202, operation};
}

}  // namespace

void add_merge_routes(Router& router) {
  const std::string branch = "/branches/([^/]+)/([^/]+)";
  router.post(branch + "/diff", [&router](const Call& call) { return diff(router, call); });
  router.post(branch + "/merge", [&router](const Call& call) { return merge(router, call); });
  router.get("/merges", [](const Call& call) -> Result<Reply> {
    auto& ctx = call.env().ctx();
    auto project = call.query("project");
    if (project) VELO_TRY(core::load_project(ctx, *project));
    VELO_ASSIGN_OR_RETURN(auto merges, ctx.store.merges(project));
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : merges) list.push_back(app::merge_json(m, false));
    return Reply{200, list};
  });
  router.get("/merges/([0-9]{1,18})", [](const Call& call) -> Result<Reply> {
    const int64_t id = std::stoll(call.capture(1));
    VELO_ASSIGN_OR_RETURN(auto record, call.env().ctx().store.merge(id));
    if (!record) return make_error(ErrorKind::NotFound, "no merge {}", id);
    return Reply{200, app::merge_json(*record, true)};
  });
  router.post("/merges/([0-9]{1,18})/revert",
              [&router](const Call& call) { return revert(router, call); });
}

}  // namespace velo::server
