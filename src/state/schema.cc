#include "state/schema.h"

#include <string>
#include <vector>

namespace velo::state {
namespace {

// Each step runs once, in order; PRAGMA user_version counts the steps done.
constexpr const char* kInitial = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE projects (
  name TEXT PRIMARY KEY,
  pg_version TEXT NOT NULL,
  runtime TEXT NOT NULL,
  image TEXT NOT NULL DEFAULT '',
  superuser TEXT NOT NULL,
  password TEXT NOT NULL,
  created_at TEXT NOT NULL,
  archive_timeout_s INTEGER NOT NULL DEFAULT 60
);
CREATE TABLE branches (
  project TEXT NOT NULL REFERENCES projects(name),
  name TEXT NOT NULL,
  parent TEXT,
  status TEXT NOT NULL,
  port INTEGER NOT NULL UNIQUE,
  password TEXT NOT NULL,
  volume TEXT NOT NULL UNIQUE,
  base_snapshot TEXT NOT NULL DEFAULT '',
  parent_volume TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  listen_address TEXT NOT NULL DEFAULT '127.0.0.1',
  PRIMARY KEY (project, name)
);
CREATE TABLE snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project TEXT NOT NULL,
  branch TEXT NOT NULL,
  volume TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  lsn TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  for_branch TEXT,
  UNIQUE (volume, name)
);
CREATE TABLE retired (
  volume TEXT NOT NULL,
  snapshot TEXT NOT NULL DEFAULT '',
  retired_at TEXT NOT NULL,
  PRIMARY KEY (volume, snapshot)
);
)sql";

// WAL archiving and point-in-time branches: whether a branch
// archives (its archive directory follows from its volume), the
// snapshot a point-in-time branch was cloned from (it does not own
// it), and a lower bound of the WAL a snapshot needs (its redo).
constexpr const char* kArchiveAndPitr = R"sql(
ALTER TABLE branches ADD COLUMN archive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE branches ADD COLUMN source_snapshot TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN redo_lsn TEXT NOT NULL DEFAULT '';
)sql";

// A clone made without starting it still holds its parent's
// password inside its data directory: kept here until the branch's
// first start sets the branch's own.
constexpr const char* kClonePassword = R"sql(
ALTER TABLE branches ADD COLUMN clone_password TEXT NOT NULL DEFAULT '';
)sql";

// Whether the user stopped the branch (velo branch stop, create
// --no-start): a branch that should run but has no server crashed,
// and `velo start --all` brings it back.
constexpr const char* kStoppedByUser = R"sql(
ALTER TABLE branches ADD COLUMN stopped_by_user INTEGER NOT NULL DEFAULT 0;
)sql";

// Merges (velo branch merge) and their reverts, with what was
// rehearsed and applied; and the superuser password each snapshot's
// data holds, so that a clone of it can be opened after the branch's
// password changed ("" for snapshots taken before: the branch's own).
constexpr const char* kMerges = R"sql(
CREATE TABLE merges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project TEXT NOT NULL,
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  reverts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  plan TEXT NOT NULL,
  rehearsal TEXT NOT NULL,
  snapshot_id INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL,
  schemas TEXT NOT NULL DEFAULT '{}'
);
ALTER TABLE snapshots ADD COLUMN password TEXT NOT NULL DEFAULT '';
)sql";

// The database a project's connections name by default (velo branch
// url, velo psql): the one a dump or a server import brought in, else
// postgres; `velo project set --database` changes it.
constexpr const char* kProjectDatabase = R"sql(
ALTER TABLE projects ADD COLUMN database TEXT NOT NULL DEFAULT 'postgres';
)sql";

// A retention window per project (core/history/retention.h): how far
// back every moment stays recoverable, and how often main is snapshotted
// for it. Existing projects get the defaults, 24 h and 1 h.
constexpr const char* kRetention = R"sql(
ALTER TABLE projects ADD COLUMN retention_s INTEGER NOT NULL DEFAULT 86400;
ALTER TABLE projects ADD COLUMN snapshot_every_s INTEGER NOT NULL DEFAULT 3600;
)sql";

// Requests that changed something through velo serve's API: who (the
// peer and how it authenticated), what (method, path) and when.
constexpr const char* kAudit = R"sql(
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL
);
)sql";

// Disk caps (velo branch create --max-size): a branch's, applied to each
// volume it gets, and a project's default for new branches; NULL for none.
constexpr const char* kMaxSize = R"sql(
ALTER TABLE branches ADD COLUMN max_size_bytes INTEGER;
ALTER TABLE projects ADD COLUMN max_size_bytes INTEGER;
)sql";

// A retention window of a branch's own (branch create --retention): 0
// for none; main's is its project's.
constexpr const char* kBranchRetention = R"sql(
ALTER TABLE branches ADD COLUMN retention_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE branches ADD COLUMN snapshot_every_s INTEGER NOT NULL DEFAULT 0;
)sql";

// Server settings (core/branch/server_settings.h) as JSON objects: a
// project's for its branches, a branch's own.
constexpr const char* kServerSettings = R"sql(
ALTER TABLE projects ADD COLUMN branch_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE branches ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
)sql";

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> steps = {
      kInitial, kArchiveAndPitr,  kClonePassword, kStoppedByUser,
      kMerges,  kProjectDatabase, kRetention,     kAudit,
      kMaxSize, kBranchRetention, kServerSettings};
  return steps;
}

}  // namespace

Status migrate(Database& db) {
  VELO_ASSIGN_OR_RETURN(auto rows, db.query("PRAGMA user_version"));
  int64_t version = rows.empty() ? 0 : as_int(rows[0][0]);
  const auto& steps = migrations();
  if (version > static_cast<int64_t>(steps.size())) {
    return make_error(ErrorKind::Invalid,
                      "the state database is from a newer velo (schema {}, this velo knows {})",
                      version, steps.size());
  }
  for (size_t i = static_cast<size_t>(version); i < steps.size(); ++i) {
    VELO_TRY(db.transaction([&]() -> Status {
      VELO_TRY(db.exec(steps[i]));
      return db.exec("PRAGMA user_version = " + std::to_string(i + 1));
    }));
  }
  return Status::Ok();
}

}  // namespace velo::state
