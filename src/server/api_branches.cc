// /api/v1/branches: list, create (also at a point in time), show, reset,
// start, stop, restart, delete, password and connection.
#include "app/reports.h"
#include "core/branch/branch_ops.h"
#include "core/branch/inspect.h"
#include "core/cluster.h"
#include "server/router.h"

namespace velo::server {
namespace {

const char* kBranch = "/branches/([^/]+)/([^/]+)";

std::string route(const std::string& suffix) { return std::string(kBranch) + suffix; }

Result<core::CreateBranchOptions> create_options(const nlohmann::json& body) {
  VELO_TRY(only_fields(body, {"name", "parent", "at", "lsn", "start", "archive", "max_size",
                              "retention", "snapshot_every", "settings"}));
  VELO_ASSIGN_OR_RETURN(auto name, text_field(body, "name"));
  if (!name) return make_error(ErrorKind::Invalid, "field \"name\" (PROJECT/BRANCH) is required");
  core::CreateBranchOptions options;
  VELO_ASSIGN_OR_RETURN(options.name, core::parse_branch_name(*name));
  VELO_ASSIGN_OR_RETURN(auto parent, text_field(body, "parent"));
  if (parent) {
    VELO_ASSIGN_OR_RETURN(options.parent, core::parse_branch_name(*parent));
  }
  VELO_ASSIGN_OR_RETURN(options.start, flag_field(body, "start", true));
  VELO_ASSIGN_OR_RETURN(options.archive, flag_field(body, "archive", true));
  VELO_ASSIGN_OR_RETURN(auto at, text_field(body, "at"));
  VELO_ASSIGN_OR_RETURN(auto lsn, text_field(body, "lsn"));
  if (at && lsn) return make_error(ErrorKind::Invalid, "give \"at\" or \"lsn\", not both");
  if (at) options.target = core::TargetSpec{core::TargetSpec::Kind::Time, *at};
  if (lsn) options.target = core::TargetSpec{core::TargetSpec::Kind::Lsn, *lsn};
  VELO_ASSIGN_OR_RETURN(options.max_size, max_size_field(body, "max_size"));
  VELO_ASSIGN_OR_RETURN(options.retention_s, duration_field(body, "retention", 0));
  VELO_ASSIGN_OR_RETURN(options.snapshot_every_s, duration_field(body, "snapshot_every", 0));
  VELO_ASSIGN_OR_RETURN(options.settings, settings_field(body, "settings"));
  return options;
}

// What a request can know before the work starts: the project and the
// parent exist and the name is free. The operation checks again under
// the project's lock.
Status check_create(core::Context& ctx, const core::CreateBranchOptions& options) {
  VELO_TRY(core::load_project(ctx, options.name.project));
  if (options.parent)
    VELO_TRY(core::load_branch(ctx, options.parent->project, options.parent->branch));
  VELO_ASSIGN_OR_RETURN(auto existing, ctx.store.branch(options.name.project, options.name.branch));
  if (existing)
    return make_error(ErrorKind::Conflict, "branch {} already exists", options.name.full());
  return Status::Ok();
}

Result<Reply> create(Router& router, const Call& call) {
  VELO_ASSIGN_OR_RETURN(auto options, create_options(call.body));
  VELO_TRY(check_create(call.env().ctx(), options));
  auto operation = router.parts().operations.start(
      "branch.create", options.name.full(),
      [options](app::Environment& env) -> Result<nlohmann::json> {
        auto& ctx = env.ctx();
        VELO_ASSIGN_OR_RETURN(auto handle, core::create_branch(ctx, options));
        return app::branch_json(core::describe_branch(ctx, handle, core::kFreshSpace));
      });
  return Reply{202, operation};
}

Result<Reply> reset(Router& router, const Call& call) {
  VELO_TRY(only_fields(call.body, {}));
  VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
  VELO_TRY(core::load_branch(call.env().ctx(), name.project, name.branch));
  auto operation = router.parts().operations.start(
      "branch.reset", name.full(), [name](app::Environment& env) -> Result<nlohmann::json> {
        auto& ctx = env.ctx();
        VELO_ASSIGN_OR_RETURN(auto handle, core::reset_branch(ctx, name));
        return app::branch_json(core::describe_branch(ctx, handle, core::kFreshSpace));
      });
  return Reply{202, operation};
}

using Action = Status (*)(core::Context&, const core::BranchName&);

Handler simple(Action act, const char* verb) {
  return [act, verb](const Call& call) -> Result<Reply> {
    VELO_TRY(only_fields(call.body, {}));
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_TRY(act(call.env().ctx(), name));
    return Reply{200, {{"name", name.full()}, {"result", verb}}};
  };
}

}  // namespace

void add_branch_routes(Router& router) {
  router.get_light("/branches", [&router](const Call& call) -> Result<Reply> {
    auto project = call.query("project");
    if (!project) {
      VELO_ASSIGN_OR_RETURN(auto text, router.parts().branches.all_branches_text());
      return Reply{200, nullptr, std::move(text)};
    }
    VELO_TRY(core::validate_name("project", *project));
    VELO_ASSIGN_OR_RETURN(auto list, router.parts().branches.branches(project));
    return Reply{200, list};
  });
  router.post("/branches", [&router](const Call& call) { return create(router, call); });
  router.get(kBranch, [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_ASSIGN_OR_RETURN(auto handle,
                          core::load_branch(call.env().ctx(), name.project, name.branch));
    return Reply{200, app::branch_detail_json(call.env().ctx(), handle)};
  });
  router.del(kBranch, [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_ASSIGN_OR_RETURN(bool force, query_flag(call, "force"));
    VELO_TRY(core::delete_branch(call.env().ctx(), name, force));
    return Reply{200, {{"name", name.full()}, {"result", "deleted"}}};
  });
  router.post(route("/reset"), [&router](const Call& call) { return reset(router, call); });
  router.post(route("/start"), simple(core::start_branch, "started"));
  router.post(route("/stop"), simple(core::stop_branch, "stopped"));
  router.post(route("/restart"), simple(core::restart_branch, "restarted"));
  router.post(route("/password"), [](const Call& call) -> Result<Reply> {
    VELO_TRY(only_fields(call.body, {}));
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_TRY(core::rotate_password(call.env().ctx(), name));
    VELO_ASSIGN_OR_RETURN(auto handle,
                          core::load_branch(call.env().ctx(), name.project, name.branch));
    return Reply{200,
                 {{"name", name.full()},
                  {"result", "password changed"},
                  {"connection", app::connection_object(handle)}}};
  });
  router.get(route("/connection"), [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto name, branch_from_path(call));
    VELO_ASSIGN_OR_RETURN(auto handle,
                          core::load_branch(call.env().ctx(), name.project, name.branch));
    return Reply{200, app::connection_object(handle)};
  });
}

}  // namespace velo::server
