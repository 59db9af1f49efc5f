// What the state database holds, as plain structs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace velo::state {

// PostgreSQL settings by name (core/branch/server_settings.h).
using ServerSettings = std::map<std::string, std::string>;

struct ProjectRecord {
  std::string name;
  std::string pg_version;
  std::string runtime;  // native | docker
  std::string image;    // docker image, "" for the default
  std::string superuser;
  std::string password;  // the project's generated superuser password
  std::string created_at;
  int64_t archive_timeout_s = 60;
  // What its connection strings name unless told otherwise: the database
  // a dump or server import brought in, else postgres.
  std::string database = "postgres";
  // The retention window: every moment of main's last retention_s seconds
  // stays recoverable; main is snapshotted every snapshot_every_s for it.
  int64_t retention_s = 86400;
  int64_t snapshot_every_s = 3600;
  // The cap new branches get unless given their own (--max-size); none
  // when unset. main is never capped: the caps protect it.
  std::optional<uint64_t> max_size_bytes = std::nullopt;
  // Server settings its branches get over velo's idle defaults
  // (--branch-setting); main is never given any.
  ServerSettings branch_settings = {};
};

// A branch's row moves creating -> ready; a crash in between leaves a
// "creating" row that `velo gc` removes with whatever it names.
struct BranchRecord {
  std::string project;
  std::string name;
  std::optional<std::string> parent;  // branch name in the same project
  std::string status;                 // creating | ready
  int64_t port = 0;
  std::string password;
  std::string volume;         // storage volume holding PGDATA
  std::string base_snapshot;  // the parent's snapshot this incarnation was cloned from
  std::string parent_volume;  // the volume that snapshot belongs to
  std::string created_at;
  std::string listen_address = "127.0.0.1";
  // Archives its WAL into archive_dir_of(its volume) (core/wal_archive.h).
  bool archive = false;
  // Point-in-time branches: the parent's snapshot (on parent_volume) this
  // incarnation was cloned from. The branch depends on it without owning
  // it, so base_snapshot stays empty.
  std::string source_snapshot;
  // Set while the data directory still holds its parent's password (a
  // clone that was never started): the password to log in with at the
  // first start, which then sets `password` and clears this.
  std::string clone_password;
  // The user stopped it (branch stop, create --no-start); cleared by a
  // start. A branch not stopped by the user and without a server crashed.
  bool stopped_by_user = false;
  // The most the branch may write (the storage's quota), set again on
  // every volume it gets (create, reset, restore); none when unset.
  std::optional<uint64_t> max_size_bytes = std::nullopt;
  // A retention window of its own (branch create --retention): snapshots
  // every snapshot_every_s, every moment of the last retention_s
  // recoverable. 0 for none; main's window is its project's.
  int64_t retention_s = 0;
  int64_t snapshot_every_s = 0;
  // Server settings of its own (branch create --setting), over its
  // project's branch settings.
  ServerSettings settings = {};
};

struct SnapshotRecord {
  int64_t id = 0;
  std::string project;
  std::string branch;  // whose data it holds
  std::string volume;
  std::string name;
  std::string created_at;
  std::string lsn;  // consistent at (checkpoint or backup stop LSN)
  std::string label;
  // base (made for a child branch) | user | start (a point-in-time
  // branch as promoted: its starting state) | scheduled (main's, for its
  // retention window: at project create and by `velo maintain`)
  std::string kind;
  std::optional<std::string> for_branch;  // base snapshots: the child it serves
  // A WAL position at or before the snapshot's redo point: recovering it
  // needs no archived WAL older than this ("" when unknown).
  std::string redo_lsn;
  // The superuser password its data holds ("" when taken before velo
  // recorded it): what a clone of it opens with.
  std::string password;
};

// One `velo branch merge` (or the revert of one): the plan, what its
// rehearsal measured, the snapshot taken before it was applied, and how it
// ended. plan and rehearsal are JSON documents (core/merge/record.h).
struct MergeRecord {
  int64_t id = 0;
  std::string project;
  std::string source;   // the branch whose changes were merged
  std::string target;   // the branch they were applied to
  std::string kind;     // merge | revert
  int64_t reverts = 0;  // kind revert: the merge it reverts
  std::string created_at;
  std::string plan;
  std::string rehearsal;
  int64_t snapshot_id = 0;  // the target's pre-merge snapshot (0: none, a dry run)
  std::string outcome;      // applying | applied | applied, reverted by N | failed...
  // JSON: the source's schema, the target's before and after (diff/
  // schema_json.h), what the next merge and a revert start from. Large:
  // read by merge(id) and last_merge() only, "" from merges().
  std::string schemas;
};

// A volume (or snapshot) that could not be destroyed yet because clones
// still depend on it; `velo gc` and later deletes retry.
struct RetiredRecord {
  std::string volume;
  std::string snapshot;  // "" for a whole volume
  std::string retired_at;
};

// A request that changed something through the HTTP API (velo serve).
struct AuditRecord {
  int64_t id = 0;
  std::string at;
  std::string actor;  // "bearer 127.0.0.1 curl/7.88.1"
  std::string method;
  std::string path;
  int64_t status = 0;
};

}  // namespace velo::state
