// PostgreSQL's non-exclusive backup API: pg_backup_start and pg_backup_stop
// must run in ONE session, so a Backup owns its connection.
#pragma once

#include <string>

#include "pg/connection.h"
#include "util/result.h"

namespace velo::pg {

struct BackupStopInfo {
  std::string stop_lsn;
  std::string backup_label;    // contents for PGDATA/backup_label
  std::string tablespace_map;  // contents for PGDATA/tablespace_map ("" if none)
};

class Backup {
 public:
  // pg_backup_start(label, fast => true): checkpoints at once.
  static Result<Backup> start(Connection connection, const std::string& label);
  // pg_backup_stop(wait_for_archive => false).
  Result<BackupStopInfo> stop();
  const std::string& start_lsn() const { return start_lsn_; }

 private:
  Backup(Connection connection, std::string start_lsn)
      : connection_(std::move(connection)), start_lsn_(std::move(start_lsn)) {}
  Connection connection_;
  std::string start_lsn_;
};

}  // namespace velo::pg
