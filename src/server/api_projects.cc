// /api/v1/projects: list, create, show, delete.
#include "app/reports.h"
#include "core/cluster.h"
#include "core/project/project_ops.h"
#include "server/router.h"

namespace velo::server {
namespace {

Result<core::CreateProjectOptions> create_options(const nlohmann::json& body) {
  VELO_TRY(only_fields(body, {"name", "pg_version", "runtime", "retention", "snapshot_every",
                              "max_size", "branch_settings"}));
  core::CreateProjectOptions options;
  VELO_ASSIGN_OR_RETURN(auto name, text_field(body, "name"));
  if (!name) return make_error(ErrorKind::Invalid, "field \"name\" is required");
  VELO_TRY(core::validate_name("project", *name));
  options.name = *name;
  VELO_ASSIGN_OR_RETURN(auto version, text_field(body, "pg_version"));
  if (version) options.pg_version = *version;
  VELO_ASSIGN_OR_RETURN(auto runtime, text_field(body, "runtime"));
  if (runtime) options.runtime = *runtime;
  if (options.runtime != "native" && options.runtime != "docker") {
    return make_error(ErrorKind::Invalid, "field \"runtime\" must be native or docker");
  }
  VELO_ASSIGN_OR_RETURN(options.retention_s,
                        duration_field(body, "retention", options.retention_s));
  VELO_ASSIGN_OR_RETURN(options.snapshot_every_s,
                        duration_field(body, "snapshot_every", options.snapshot_every_s));
  VELO_ASSIGN_OR_RETURN(auto cap, max_size_field(body, "max_size"));
  if (cap) options.max_size_bytes = *cap;
  VELO_ASSIGN_OR_RETURN(options.branch_settings, settings_field(body, "branch_settings"));
  return options;
}

Result<Reply> create(Router& router, const Call& call) {
  VELO_ASSIGN_OR_RETURN(auto options, create_options(call.body));
  VELO_ASSIGN_OR_RETURN(auto existing, call.env().ctx().store.project(options.name));
  if (existing) return make_error(ErrorKind::Conflict, "project {} already exists", options.name);
  auto operation = router.parts().operations.start(
      "project.create", options.name, [options](app::Environment& env) -> Result<nlohmann::json> {
        VELO_TRY(core::create_project(env.ctx(), options));
        return app::project_json(env.ctx(), options.name);
      });
  return Reply{202, operation};
}

}  // namespace

void add_project_routes(Router& router) {
  router.get("/projects", [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto list, app::project_list_json(call.env().ctx()));
    return Reply{200, list};
  });
  router.post("/projects", [&router](const Call& call) { return create(router, call); });
  router.get("/projects/([^/]+)", [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto json, app::project_json(call.env().ctx(), call.capture(1)));
    return Reply{200, json};
  });
  router.del("/projects/([^/]+)", [](const Call& call) -> Result<Reply> {
    const std::string name = call.capture(1);
    VELO_TRY(core::validate_name("project", name));
    VELO_ASSIGN_OR_RETURN(bool force, query_flag(call, "force"));
    VELO_ASSIGN_OR_RETURN(auto result, core::delete_project(call.env().ctx(), name, force));
    return Reply{
        200,
        {{"name", name},
         {"result", "deleted"},
         {"warning", result.warning.empty() ? nlohmann::json() : nlohmann::json(result.warning)}}};
  });
}

}  // namespace velo::server
