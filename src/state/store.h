// The state database's typed operations. The filesystem and the runtime
// are the truth about what exists; this is the index (see `velo doctor`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "state/database.h"
#include "state/records.h"
#include "util/result.h"

namespace velo::state {

class Store {
 public:
  // Opens HOME/state.db and brings its schema up to date.
  static Result<Store> open(const std::string& home);

  Database& db() { return db_; }
  Status transaction(const std::function<Status()>& body) { return db_.transaction(body); }

  // Key-value settings written by `velo init`.
  Result<std::optional<std::string>> get_meta(const std::string& key);
  Status set_meta(const std::string& key, const std::string& value);
  // A fresh number for volume and snapshot names (call inside a transaction).
  Result<int64_t> next_id();

  Result<std::vector<ProjectRecord>> projects();
  Result<std::optional<ProjectRecord>> project(const std::string& name);
  Status insert_project(const ProjectRecord& project);
  Status delete_project(const std::string& name);
  // The database the project's connection strings name by default.
  Status set_project_database(const std::string& name, const std::string& database);
  // The default cap of the project's new branches (nullopt: none).
  Status set_project_max_size(const std::string& name, std::optional<uint64_t> bytes);
  Status set_project_branch_settings(const std::string& name, const ServerSettings& settings);
  Status update_project_retention(const std::string& name, int64_t retention_s,
                                  int64_t snapshot_every_s);

  Result<std::vector<BranchRecord>> branches(const std::optional<std::string>& project = {});
  Result<std::optional<BranchRecord>> branch(const std::string& project, const std::string& name);
  Result<std::vector<BranchRecord>> children(const std::string& project, const std::string& name);
  Status insert_branch(const BranchRecord& branch);
  Status update_branch(const BranchRecord& branch);
  Status delete_branch(const std::string& project, const std::string& name);
  Result<std::vector<int64_t>> used_ports();

  Result<std::vector<SnapshotRecord>> snapshots(const std::optional<std::string>& project = {},
                                                const std::optional<std::string>& branch = {});
  Result<std::optional<SnapshotRecord>> snapshot(int64_t id);
  Result<int64_t> insert_snapshot(const SnapshotRecord& snapshot);
  Status delete_snapshot(int64_t id);
  // The row of volume@name, if any.
  Status delete_snapshot_named(const std::string& volume, const std::string& name);
  // volume@name no longer serves a child branch (it is kept as history).
  Status release_snapshot(const std::string& volume, const std::string& name);

  // Merges and reverts, oldest first.
  Result<std::vector<MergeRecord>> merges(const std::optional<std::string>& project = {});
  Result<std::optional<MergeRecord>> merge(int64_t id);
  // The newest merge of `source` into `target` still applied (not failed,
  // not reverted): where the next merge of the two starts from.
  Result<std::optional<MergeRecord>> last_merge(const std::string& project,
                                                const std::string& source,
                                                const std::string& target);
  Result<int64_t> insert_merge(const MergeRecord& merge);
  Status update_merge_outcome(int64_t id, const std::string& outcome);
  // With the project (project delete).
  Status delete_merges(const std::string& project);

  // The API's audit log, newest first.
  Status insert_audit(const AuditRecord& record);
  Result<std::vector<AuditRecord>> audit(int64_t limit);

  Result<std::vector<RetiredRecord>> retired();
  Status insert_retired(const RetiredRecord& record);
  Status delete_retired(const std::string& volume, const std::string& snapshot);

 private:
  explicit Store(Database db) : db_(std::move(db)) {}
  Database db_;
};

}  // namespace velo::state
