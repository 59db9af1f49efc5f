// PostgreSQL's non-exclusive backup API: pg_backup_start and pg_backup_stop
// must run in ONE session, so a Backup owns its session.
#pragma once

#include <memory>
#include <string>

#include "pg/session.h"
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
  static Result<Backup> start(std::unique_ptr<Session> session, const std::string& label);
  // pg_backup_stop(wait_for_archive => false).
  Result<BackupStopInfo> stop();
  const std::string& start_lsn() const { return start_lsn_; }

 private:
  Backup(std::unique_ptr<Session> session, std::string start_lsn)
      : session_(std::move(session)), start_lsn_(std::move(start_lsn)) {}
  std::unique_ptr<Session> session_;
  std::string start_lsn_;
};

}  // namespace velo::pg
