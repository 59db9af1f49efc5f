// pg_basebackup of a source server into a new data directory: plain
// format, the WAL it needs streamed alongside (-X stream), a fast
// checkpoint, optionally creating a replication slot. The password never
// reaches argv: pg_basebackup gets it through PGPASSWORD in its
// environment, or finds it where libpq looks (PGPASSFILE, ~/.pgpass).
#pragma once

#include <optional>
#include <string>

#include "core/import/progress.h"
#include "pg/conn_params.h"
#include "util/clock.h"
#include "util/exec.h"

namespace velo::core {

struct BaseBackupRequest {
  std::string bin_dir;  // /usr/lib/postgresql/<source major>/bin
  pg::ConnParams source;
  std::string data_dir;  // empty or absent
  std::string slot;      // "" for none; else created (--create-slot)
  std::string label;
};

// The line of a PostgreSQL tool's stderr that says what went wrong: the
// last one with "error: ", "ERROR: " or "FATAL: ", else the last line
// (pg_basebackup ends with "removing data directory", not its error).
std::string tool_error_line(const std::string& stderr_text);

Command basebackup_command(const BaseBackupRequest& request);

// Runs pg_basebackup, reporting the growth of data_dir against `total`.
Status run_basebackup(ProcessRunner& runner, Clock& clock, const BaseBackupRequest& request,
                      std::optional<uint64_t> total, ProgressSink* sink);

}  // namespace velo::core
