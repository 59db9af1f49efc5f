#include "app/reports.h"

#include "core/branch/connection.h"
#include "core/branch/origin.h"
#include "core/branch/server_settings.h"
#include "core/history/retention.h"
#include "core/history/snapshot_ops.h"
#include "core/history/wal_position.h"
#include "core/import/follow_ops.h"
#include "diff/plan.h"
#include "diff/summary.h"
#include "util/time_format.h"

namespace velo::app {
namespace {

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

template <typename T>
nlohmann::json value_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

// "P/B" of a branch named in a record of project P, or null.
nlohmann::json branch_or_null(const std::string& project, const std::optional<std::string>& name) {
  return name ? nlohmann::json(project + "/" + *name) : nlohmann::json();
}

nlohmann::json file_json(const std::optional<core::ArchivedFile>& file) {
  if (!file) return nullptr;
  return {{"name", file->name}, {"archived_at", format_utc(file->modified)}};
}

// The sizes of a branch, each null when it could not be measured.
void add_space_json(nlohmann::json& json, const std::optional<core::VolumeMeasure>& measure) {
  if (!measure) {
    for (const char* key : {"logical_bytes", "unique_bytes", "snapshot_bytes", "archive_bytes",
                            "space_measured_at"}) {
      json[key] = nullptr;
    }
    return;
  }
  json["logical_bytes"] = measure->space.logical_bytes;
  json["unique_bytes"] = measure->space.unique_bytes;
  json["snapshot_bytes"] = measure->space.snapshot_bytes;
  json["archive_bytes"] = measure->archive_bytes;
  json["space_measured_at"] = format_utc(measure->measured_at);
}

}  // namespace

nlohmann::json branch_json(const core::BranchInfo& info) {
  nlohmann::json json = {
      {"name", info.project + "/" + info.branch},
      {"project", info.project},
      {"branch", info.branch},
      {"parent", branch_or_null(info.project, info.parent)},
      {"status", info.status},
      {"port", info.port},
      {"url", info.url},
      {"database", info.database},
      {"log", text_or_null(info.log)},  // docker: null
      {"created_at", info.created_at},
      {"storage", info.storage},
      {"runtime", info.runtime},
      {"listen_address", info.listen_address},
  };
  add_space_json(json, info.space);
  return json;
}

nlohmann::json project_space_json(const core::ProjectSpace& space) {
  return {{"logical_bytes", space.logical_bytes},
          {"unique_bytes", space.unique_bytes},
          {"snapshot_bytes", space.snapshot_bytes},
          {"archive_bytes", space.archive_bytes},
          {"total_bytes", space.total_bytes()}};
}

nlohmann::json pool_json(const storage::PoolSpace& pool) {
  return {{"size_bytes", pool.size_bytes},
          {"used_bytes", pool.used_bytes},
          {"free_bytes", pool.free_bytes},
          {"used_percent", core::used_percent(pool)}};
}

nlohmann::json server_settings_json(const core::BranchHandle& handle) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] :
       core::branch_server_settings(handle.project, handle.branch, false)) {
    out[name] = value;
  }
  return out;
}

nlohmann::json branch_detail_json(core::Context& ctx, core::BranchHandle& handle) {
  core::BranchInfo info = core::describe_branch(ctx, handle, core::kFreshSpace);
  core::BranchOrigin origin = core::describe_origin(ctx, handle);
  nlohmann::json json = branch_json(info);
  json["data_dir"] = info.data_dir;
  json["cloned_from"] = origin.snapshot.empty()
                            ? nlohmann::json()
                            : nlohmann::json{{"snapshot", origin.snapshot},
                                             {"taken_at", text_or_null(origin.snapshot_time)}};
  json["recovered_to"] = text_or_null(origin.recovered_to);
  json["server_version"] = text_or_null(origin.server_version);
  json["max_size_bytes"] = value_or_null(handle.branch.max_size_bytes);
  json["settings"] = server_settings_json(handle);
  auto window = core::policy_of(handle.project, handle.branch);
  json["retention"] = window ? nlohmann::json(core::format_span(window->retention)) : nullptr;
  json["snapshot_every"] =
      window ? nlohmann::json(core::format_span(window->snapshot_every)) : nullptr;
  return json;
}

nlohmann::json connection_json(const pg::ConnParams& params) {
  return {{"host", params.host},
          {"port", params.port},
          {"database", params.dbname},
          {"user", params.user},
          {"password", text_or_null(params.password)},
          {"url", pg::to_url(params, true)}};
}

nlohmann::json connection_object(const core::BranchHandle& handle) {
  return connection_json(core::user_connection(handle));
}

Result<nlohmann::json> project_list_json(core::Context& ctx) {
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  nlohmann::json json = nlohmann::json::array();
  for (const auto& p : projects) {
    VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches(p.name));
    json.push_back({{"name", p.name},
                    {"pg_version", p.pg_version},
                    {"runtime", p.runtime},
                    {"branches", branches.size()},
                    {"created_at", p.created_at}});
  }
  return json;
}

Result<nlohmann::json> project_json(core::Context& ctx, const std::string& name) {
  VELO_TRY(core::validate_name("project", name));
  VELO_ASSIGN_OR_RETURN(auto project, core::load_project(ctx, name));
  VELO_ASSIGN_OR_RETURN(auto branches, core::describe_branches(ctx, name, core::kListSpaceAge));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& b : branches) list.push_back(branch_json(b));
  VELO_ASSIGN_OR_RETURN(auto follow, follow_json(ctx, name));
  VELO_ASSIGN_OR_RETURN(auto space, core::project_space(ctx, name, core::kListSpaceAge));
  auto pool = ctx.driver.pool_space();
  const core::RetentionPolicy policy = core::policy_of(project);
  return nlohmann::json{{"name", project.name},
                        {"pg_version", project.pg_version},
                        {"runtime", project.runtime},
                        {"image", project.image},
                        {"superuser", project.superuser},
                        {"database", project.database},
                        {"created_at", project.created_at},
                        {"retention", core::format_span(policy.retention)},
                        {"snapshot_every", core::format_span(policy.snapshot_every)},
                        {"max_size_bytes", value_or_null(project.max_size_bytes)},
                        {"branch_settings", project.branch_settings},
                        {"storage", ctx.driver.name()},
                        {"follow", follow},
                        {"space", project_space_json(space)},
                        {"pool", pool.ok() ? pool_json(*pool) : nlohmann::json()},
                        {"branches", list}};
}

Result<nlohmann::json> follow_json(core::Context& ctx, const std::string& project) {
  VELO_ASSIGN_OR_RETURN(auto status, core::follow_status(ctx, project));
  if (!status) return nlohmann::json();
  return nlohmann::json{{"source", status->source},
                        {"slot", text_or_null(status->slot)},
                        {"running", status->running},
                        {"receiver", status->receiver},
                        {"replay_lsn", status->replay_lsn},
                        {"lag_bytes", value_or_null(status->lag_bytes)},
                        {"lag_seconds", value_or_null(status->lag_seconds)}};
}

nlohmann::json snapshot_json(const state::SnapshotRecord& s,
                             const std::vector<std::string>& used_by) {
  return {{"id", s.id},
          {"name", s.project + "/" + s.branch},
          {"project", s.project},
          {"branch", s.branch},
          {"snapshot", s.name},
          {"kind", s.kind},
          {"label", s.label},
          {"created_at", s.created_at},
          {"lsn", text_or_null(s.lsn)},
          {"redo_lsn", text_or_null(s.redo_lsn)},
          {"for_branch", branch_or_null(s.project, s.for_branch)},
          {"used_by", used_by}};
}

Result<nlohmann::json> snapshot_list_json(core::Context& ctx,
                                          const std::optional<core::BranchName>& branch) {
  std::optional<std::string> project_name, branch_name;
  if (branch) {
    VELO_TRY(core::load_branch(ctx, branch->project, branch->branch));
    project_name = branch->project;
    branch_name = branch->branch;
  }
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots(project_name, branch_name));
  nlohmann::json json = nlohmann::json::array();
  for (const auto& s : snapshots) {
    VELO_ASSIGN_OR_RETURN(auto used_by, core::snapshot_dependents(ctx, s));
    json.push_back(snapshot_json(s, used_by));
  }
  return json;
}

nlohmann::json wal_status_json(const core::BranchName& name, const core::WalStatus& status) {
  nlohmann::json window = nullptr;
  if (status.window) {
    window = {{"from", format_utc(status.window->from_time)},
              {"to", format_utc(status.window->to_time)},
              {"from_lsn", core::format_lsn(status.window->from_lsn)},
              {"to_lsn", core::format_lsn(status.window->to_lsn)}};
  }
  return {{"name", name.full()},
          {"archiving", !status.archive_dir.empty()},
          {"archive_dir", status.archive_dir},
          {"files", status.contents.files.size()},
          {"bytes", status.contents.total_bytes},
          {"oldest_segment", file_json(status.contents.oldest_segment())},
          {"newest_segment", file_json(status.contents.newest_segment())},
          {"window", window},
          {"retention", status.retention},
          {"no_window_reason",
           status.window ? nlohmann::json() : nlohmann::json(status.no_window_reason)}};
}

nlohmann::json doctor_json(const std::vector<core::Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    list.push_back({{"check", f.check}, {"status", f.status}, {"detail", f.detail}});
  }
  return list;
}

nlohmann::json merge_json(const state::MergeRecord& m, bool full) {
  nlohmann::json json = {{"id", m.id},
                         {"project", m.project},
                         {"source", m.project + "/" + m.source},
                         {"target", m.project + "/" + m.target},
                         {"kind", m.kind},
                         {"created_at", m.created_at},
                         {"pre_merge_snapshot", m.snapshot_id},
                         {"outcome", m.outcome}};
  if (m.reverts != 0) json["reverts"] = m.reverts;
  if (full) {
    json["plan"] = nlohmann::json::parse(m.plan, nullptr, false);
    json["rehearsal"] = nlohmann::json::parse(m.rehearsal, nullptr, false);
  }
  return json;
}

nlohmann::json diff_json(const core::BranchName& name, const core::BranchDiff& diff) {
  return {{"name", name.full()},
          {"from", diff.from_label},
          {"summary", diff::summarize(diff.changes)},
          {"changes", diff::to_json(diff.changes)},
          {"plan", diff::to_json(diff::plan(diff.changes, diff.from, diff.to))}};
}

nlohmann::json merge_result_json(const core::MergeResult& result, bool dry_run) {
  nlohmann::json json = core::to_json(result);
  json["dry_run"] = dry_run;
  return json;
}

nlohmann::json revert_json(const core::RevertResult& result, int64_t id, bool dry_run) {
  nlohmann::json json = merge_result_json(result.migration, dry_run);
  json["reverts"] = id;
  json["restored_snapshot"] = result.restored ? nlohmann::json(result.snapshot_id) : nullptr;
  json["discarded"] = result.discarded;
  return json;
}

}  // namespace velo::app
