#include "state/store.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "state/schema.h"

namespace velo::state {
namespace {

const char* kProjectColumns =
    "name, pg_version, runtime, image, superuser, password, created_at, archive_timeout_s, "
    "database, retention_s, snapshot_every_s, max_size_bytes, branch_settings";
const char* kBranchColumns =
    "project, name, parent, status, port, password, volume, base_snapshot, parent_volume, "
    "created_at, listen_address, archive, source_snapshot, clone_password, "
    "stopped_by_user, max_size_bytes, retention_s, snapshot_every_s, settings";
const char* kSnapshotColumns =
    "id, project, branch, volume, name, created_at, lsn, label, kind, for_branch, redo_lsn, "
    "password";
const char* kMergeColumns =
    "id, project, source, target, kind, reverts, created_at, plan, rehearsal, snapshot_id, "
    "outcome";

// Caps are INTEGER or NULL; the store never writes one above INT64_MAX.
std::optional<uint64_t> size_of(const Value& value) {
  if (std::holds_alternative<std::nullptr_t>(value)) return std::nullopt;
  return static_cast<uint64_t>(as_int(value));
}

Value size_or_null(const std::optional<uint64_t>& bytes) {
  if (!bytes) return nullptr;
  return static_cast<int64_t>(*bytes);
}

std::string settings_text(const ServerSettings& settings) {
  return nlohmann::json(settings).dump();
}

// Written by settings_text only; anything else reads as no settings.
ServerSettings settings_of(const Value& value) {
  auto json = nlohmann::json::parse(as_text(value), nullptr, false);
  ServerSettings out;
  if (!json.is_object()) return out;
  for (const auto& [name, setting] : json.items()) {
    if (setting.is_string()) out[name] = setting.get<std::string>();
  }
  return out;
}

ProjectRecord to_project(const std::vector<Value>& row) {
  ProjectRecord p{as_text(row[0]), as_text(row[1]), as_text(row[2]),
                  as_text(row[3]), as_text(row[4]), as_text(row[5]),
                  as_text(row[6]), as_int(row[7]),  as_text(row[8])};
  p.retention_s = as_int(row[9]);
  p.snapshot_every_s = as_int(row[10]);
  p.max_size_bytes = size_of(row[11]);
  p.branch_settings = settings_of(row[12]);
  return p;
}

BranchRecord to_branch(const std::vector<Value>& row) {
  BranchRecord b;
  b.project = as_text(row[0]);
  b.name = as_text(row[1]);
  if (!std::holds_alternative<std::nullptr_t>(row[2])) b.parent = as_text(row[2]);
  b.status = as_text(row[3]);
  b.port = as_int(row[4]);
  b.password = as_text(row[5]);
  b.volume = as_text(row[6]);
  b.base_snapshot = as_text(row[7]);
  b.parent_volume = as_text(row[8]);
  b.created_at = as_text(row[9]);
  b.listen_address = as_text(row[10]);
  b.archive = as_int(row[11]) != 0;
  b.source_snapshot = as_text(row[12]);
  b.clone_password = as_text(row[13]);
  b.stopped_by_user = as_int(row[14]) != 0;
  b.max_size_bytes = size_of(row[15]);
  b.retention_s = as_int(row[16]);
  b.snapshot_every_s = as_int(row[17]);
  b.settings = settings_of(row[18]);
  return b;
}

SnapshotRecord to_snapshot(const std::vector<Value>& row) {
  SnapshotRecord s;
  s.id = as_int(row[0]);
  s.project = as_text(row[1]);
  s.branch = as_text(row[2]);
  s.volume = as_text(row[3]);
  s.name = as_text(row[4]);
  s.created_at = as_text(row[5]);
  s.lsn = as_text(row[6]);
  s.label = as_text(row[7]);
  s.kind = as_text(row[8]);
  if (!std::holds_alternative<std::nullptr_t>(row[9])) s.for_branch = as_text(row[9]);
  s.redo_lsn = as_text(row[10]);
  s.password = as_text(row[11]);
  return s;
}

MergeRecord to_merge(const std::vector<Value>& row) {
  MergeRecord m;
  m.id = as_int(row[0]);
  m.project = as_text(row[1]);
  m.source = as_text(row[2]);
  m.target = as_text(row[3]);
  m.kind = as_text(row[4]);
  m.reverts = as_int(row[5]);
  m.created_at = as_text(row[6]);
  m.plan = as_text(row[7]);
  m.rehearsal = as_text(row[8]);
  m.snapshot_id = as_int(row[9]);
  m.outcome = as_text(row[10]);
  if (row.size() > 11) m.schemas = as_text(row[11]);
  return m;
}

// Every row of a query, each made a record by `map`.
template <typename Map>
auto map_rows(Database& db, const std::string& sql, const std::vector<Value>& params, Map map)
    -> Result<std::vector<decltype(map(std::declval<const std::vector<Value>&>()))>> {
  VELO_ASSIGN_OR_RETURN(auto rows, db.query(sql, params));
  std::vector<decltype(map(rows[0]))> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(map(row));
  return out;
}

// The first row of a query as a record, or nullopt.
template <typename Map>
auto map_first(Database& db, const std::string& sql, const std::vector<Value>& params, Map map)
    -> Result<std::optional<decltype(map(std::declval<const std::vector<Value>&>()))>> {
  VELO_ASSIGN_OR_RETURN(auto rows, db.query(sql, params));
  using Record = decltype(map(rows[0]));
  if (rows.empty()) return std::optional<Record>();
  return std::optional<Record>(map(rows[0]));
}

}  // namespace

Result<Store> Store::open(const std::string& home) {
  VELO_ASSIGN_OR_RETURN(Database db, Database::open(home + "/state.db"));
  VELO_TRY(migrate(db));
  return Store(std::move(db));
}

Result<std::optional<std::string>> Store::get_meta(const std::string& key) {
  VELO_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT value FROM meta WHERE key = ?", {key}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(as_text(rows[0][0]));
}

Status Store::set_meta(const std::string& key, const std::string& value) {
  return db_.run(
      "INSERT INTO meta(key, value) VALUES(?, ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      {key, value});
}

Result<int64_t> Store::next_id() {
  VELO_ASSIGN_OR_RETURN(auto current, get_meta("next_id"));
  int64_t id = current ? std::stoll(*current) : 1;
  VELO_TRY(set_meta("next_id", std::to_string(id + 1)));
  return id;
}

Result<std::vector<ProjectRecord>> Store::projects() {
  return map_rows(db_, std::string("SELECT ") + kProjectColumns + " FROM projects ORDER BY name",
                  {}, to_project);
}

Result<std::optional<ProjectRecord>> Store::project(const std::string& name) {
  return map_first(db_, std::string("SELECT ") + kProjectColumns + " FROM projects WHERE name = ?",
                   {name}, to_project);
}

Status Store::insert_project(const ProjectRecord& p) {
  return db_.run(std::string("INSERT INTO projects(") + kProjectColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {p.name, p.pg_version, p.runtime, p.image, p.superuser, p.password, p.created_at,
                  p.archive_timeout_s, p.database, p.retention_s, p.snapshot_every_s,
                  size_or_null(p.max_size_bytes), settings_text(p.branch_settings)});
}

Status Store::set_project_database(const std::string& name, const std::string& database) {
  return db_.run("UPDATE projects SET database = ? WHERE name = ?", {database, name});
}

Status Store::update_project_retention(const std::string& name, int64_t retention_s,
                                       int64_t snapshot_every_s) {
  return db_.run("UPDATE projects SET retention_s = ?, snapshot_every_s = ? WHERE name = ?",
                 {retention_s, snapshot_every_s, name});
}

Status Store::set_project_max_size(const std::string& name, std::optional<uint64_t> bytes) {
  return db_.run("UPDATE projects SET max_size_bytes = ? WHERE name = ?",
                 {size_or_null(bytes), name});
}

Status Store::set_project_branch_settings(const std::string& name, const ServerSettings& settings) {
  return db_.run("UPDATE projects SET branch_settings = ? WHERE name = ?",
                 {settings_text(settings), name});
}

Status Store::delete_project(const std::string& name) {
  return db_.run("DELETE FROM projects WHERE name = ?", {name});
}

Result<std::vector<BranchRecord>> Store::branches(const std::optional<std::string>& project) {
  std::string sql = std::string("SELECT ") + kBranchColumns + " FROM branches";
  std::vector<Value> params;
  if (project) {
    sql += " WHERE project = ?";
    params.push_back(*project);
  }
  sql += " ORDER BY project, name";
  return map_rows(db_, sql, params, to_branch);
}

Result<std::optional<BranchRecord>> Store::branch(const std::string& project,
                                                  const std::string& name) {
  return map_first(
      db_,
      std::string("SELECT ") + kBranchColumns + " FROM branches WHERE project = ? AND name = ?",
      {project, name}, to_branch);
}

Result<std::vector<BranchRecord>> Store::children(const std::string& project,
                                                  const std::string& name) {
  return map_rows(db_,
                  std::string("SELECT ") + kBranchColumns +
                      " FROM branches WHERE project = ? AND parent = ? ORDER BY name",
                  {project, name}, to_branch);
}

Status Store::insert_branch(const BranchRecord& b) {
  return db_.run(std::string("INSERT INTO branches(") + kBranchColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {b.project, b.name, text_or_null(b.parent), b.status, b.port, b.password, b.volume,
                  b.base_snapshot, b.parent_volume, b.created_at, b.listen_address,
                  int64_t{b.archive}, b.source_snapshot, b.clone_password,
                  int64_t{b.stopped_by_user}, size_or_null(b.max_size_bytes), b.retention_s,
                  b.snapshot_every_s, settings_text(b.settings)});
}

Status Store::update_branch(const BranchRecord& b) {
  return db_.run(
      "UPDATE branches SET parent = ?, status = ?, port = ?, password = ?, volume = ?, "
      "base_snapshot = ?, parent_volume = ?, listen_address = ?, archive = ?, source_snapshot = ?, "
      "clone_password = ?, stopped_by_user = ?, max_size_bytes = ?, retention_s = ?, "
      "snapshot_every_s = ?, settings = ? WHERE project = ? AND name = ?",
      {text_or_null(b.parent), b.status, b.port, b.password, b.volume, b.base_snapshot,
       b.parent_volume, b.listen_address, int64_t{b.archive}, b.source_snapshot, b.clone_password,
       int64_t{b.stopped_by_user}, size_or_null(b.max_size_bytes), b.retention_s,
       b.snapshot_every_s, settings_text(b.settings), b.project, b.name});
}

Status Store::delete_branch(const std::string& project, const std::string& name) {
  return db_.run("DELETE FROM branches WHERE project = ? AND name = ?", {project, name});
}

Result<std::vector<int64_t>> Store::used_ports() {
  return map_rows(db_, "SELECT port FROM branches", {},
                  [](const std::vector<Value>& row) { return as_int(row[0]); });
}

Result<std::vector<SnapshotRecord>> Store::snapshots(const std::optional<std::string>& project,
                                                     const std::optional<std::string>& branch) {
  std::string sql = std::string("SELECT ") + kSnapshotColumns + " FROM snapshots WHERE 1 = 1";
  std::vector<Value> params;
  if (project) {
    sql += " AND project = ?";
    params.push_back(*project);
  }
  if (branch) {
    sql += " AND branch = ?";
    params.push_back(*branch);
  }
  sql += " ORDER BY id";
  return map_rows(db_, sql, params, to_snapshot);
}

Result<std::optional<SnapshotRecord>> Store::snapshot(int64_t id) {
  return map_first(db_, std::string("SELECT ") + kSnapshotColumns + " FROM snapshots WHERE id = ?",
                   {id}, to_snapshot);
}

Result<int64_t> Store::insert_snapshot(const SnapshotRecord& s) {
  VELO_TRY(
      db_.run("INSERT INTO snapshots(project, branch, volume, name, created_at, lsn, label, "
              "kind, for_branch, redo_lsn, password) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {s.project, s.branch, s.volume, s.name, s.created_at, s.lsn, s.label, s.kind,
               text_or_null(s.for_branch), s.redo_lsn, s.password}));
  VELO_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT last_insert_rowid()"));
  return as_int(rows[0][0]);
}

Status Store::delete_snapshot(int64_t id) {
  return db_.run("DELETE FROM snapshots WHERE id = ?", {id});
}

Status Store::delete_snapshot_named(const std::string& volume, const std::string& name) {
  return db_.run("DELETE FROM snapshots WHERE volume = ? AND name = ?", {volume, name});
}

Status Store::release_snapshot(const std::string& volume, const std::string& name) {
  return db_.run("UPDATE snapshots SET for_branch = NULL WHERE volume = ? AND name = ?",
                 {volume, name});
}

Result<std::vector<MergeRecord>> Store::merges(const std::optional<std::string>& project) {
  std::string sql = std::string("SELECT ") + kMergeColumns + " FROM merges";
  if (project) return map_rows(db_, sql + " WHERE project = ? ORDER BY id", {*project}, to_merge);
  return map_rows(db_, sql + " ORDER BY id", {}, to_merge);
}

Result<std::optional<MergeRecord>> Store::merge(int64_t id) {
  return map_first(db_,
                   std::string("SELECT ") + kMergeColumns + ", schemas FROM merges WHERE id = ?",
                   {id}, to_merge);
}

Result<std::optional<MergeRecord>> Store::last_merge(const std::string& project,
                                                     const std::string& source,
                                                     const std::string& target) {
  return map_first(db_,
                   std::string("SELECT ") + kMergeColumns +
                       ", schemas FROM merges WHERE project = ? AND source = ? AND target = ? "
                       "AND kind = 'merge' AND outcome = 'applied' ORDER BY id DESC LIMIT 1",
                   {project, source, target}, to_merge);
}

Result<int64_t> Store::insert_merge(const MergeRecord& m) {
  VELO_TRY(db_.run(
      "INSERT INTO merges(project, source, target, kind, reverts, created_at, plan, rehearsal, "
      "snapshot_id, outcome, schemas) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {m.project, m.source, m.target, m.kind, m.reverts, m.created_at, m.plan, m.rehearsal,
       m.snapshot_id, m.outcome, m.schemas.empty() ? std::string("{}") : m.schemas}));
  VELO_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT last_insert_rowid()"));
  return as_int(rows[0][0]);
}

Status Store::update_merge_outcome(int64_t id, const std::string& outcome) {
  return db_.run("UPDATE merges SET outcome = ? WHERE id = ?", {outcome, id});
}

Status Store::delete_merges(const std::string& project) {
  return db_.run("DELETE FROM merges WHERE project = ?", {project});
}

Status Store::insert_audit(const AuditRecord& r) {
  return db_.run("INSERT INTO audit(at, actor, method, path, status) VALUES(?, ?, ?, ?, ?)",
                 {r.at, r.actor, r.method, r.path, r.status});
}

Result<std::vector<AuditRecord>> Store::audit(int64_t limit) {
  return map_rows(db_,
                  "SELECT id, at, actor, method, path, status FROM audit ORDER BY id DESC LIMIT ?",
                  {limit}, [](const std::vector<Value>& row) {
                    return AuditRecord{as_int(row[0]),  as_text(row[1]), as_text(row[2]),
                                       as_text(row[3]), as_text(row[4]), as_int(row[5])};
                  });
}

Result<std::vector<RetiredRecord>> Store::retired() {
  return map_rows(db_, "SELECT volume, snapshot, retired_at FROM retired ORDER BY retired_at", {},
                  [](const std::vector<Value>& row) {
                    return RetiredRecord{as_text(row[0]), as_text(row[1]), as_text(row[2])};
                  });
}

Status Store::insert_retired(const RetiredRecord& r) {
  return db_.run("INSERT OR REPLACE INTO retired(volume, snapshot, retired_at) VALUES(?, ?, ?)",
                 {r.volume, r.snapshot, r.retired_at});
}

Status Store::delete_retired(const std::string& volume, const std::string& snapshot) {
  return db_.run("DELETE FROM retired WHERE volume = ? AND snapshot = ?", {volume, snapshot});
}

}  // namespace velo::state
