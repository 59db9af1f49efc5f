// The functions were renamed in PostgreSQL 15 (pg_start_backup ->
// pg_backup_start, and the exclusive mode went away); both spellings are
// issued here in their non-exclusive form.
#include "pg/backup.h"

namespace velo::pg {
namespace {

constexpr int kVersion15 = 150000;

}  // namespace

Result<Backup> Backup::start(std::unique_ptr<Session> session, const std::string& label) {
  // fast => true: an immediate checkpoint, not one spread over
  // checkpoint_completion_target, so the copy can begin at once.
  const char* sql = session->server_version() >= kVersion15
                        ? "SELECT pg_backup_start($1, true)::text"
                        : "SELECT pg_start_backup($1, true, false)::text";
  VELO_ASSIGN_OR_RETURN(auto rows, session->query(sql, {label}));
  if (rows.size() != 1 || rows[0].size() != 1) {
    return make_error(ErrorKind::Io, "pg_backup_start returned no LSN");
  }
  std::string lsn = rows[0][0];
  return Backup(std::move(session), std::move(lsn));
}

Result<BackupStopInfo> Backup::stop() {
  // wait_for_archive => false: velo copies the WAL it needs itself; the
  // archive may be off or slow.
  const char* sql =
      session_->server_version() >= kVersion15
          ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
          : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
  VELO_ASSIGN_OR_RETURN(auto rows, session_->query(sql));
  if (rows.size() != 1 || rows[0].size() != 3) {
    return make_error(ErrorKind::Io, "pg_backup_stop returned {} rows", rows.size());
  }
  return BackupStopInfo{rows[0][0], rows[0][1], rows[0][2]};
}

}  // namespace velo::pg
