#include "core/import/basebackup.h"

#include <vector>

#include "pg/source_url.h"

namespace velo::core {

std::string tool_error_line(const std::string& stderr_text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < stderr_text.size()) {
    size_t end = stderr_text.find_first_of("\r\n", start);
    if (end == std::string::npos) end = stderr_text.size();
    if (end > start) lines.push_back(stderr_text.substr(start, end - start));
    start = end + 1;
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->find("error: ") != std::string::npos || it->find("FATAL: ") != std::string::npos ||
        it->find("ERROR: ") != std::string::npos) {
      return *it;
    }
  }
  return lines.empty() ? "" : lines.back();
}

Command basebackup_command(const BaseBackupRequest& request) {
  Command command;
  command.argv = {request.bin_dir + "/pg_basebackup", "--pgdata=" + request.data_dir,
                  "--format=plain", "--wal-method=stream", "--checkpoint=fast", "--no-password",
                  // The server syncs its data directory when it first
                  // starts from the backup (recovery_init_sync_method).
                  "--no-sync", "--label=" + request.label,
                  "--dbname=" + pg::conninfo_without_password(
                                    request.source, request.source.passfile, "velo import")};
  if (!request.slot.empty()) {
    command.argv.push_back("--create-slot");
    command.argv.push_back("--slot=" + request.slot);
  }
  if (!request.source.password.empty())
    command.env.emplace_back("PGPASSWORD", request.source.password);
  command.env.emplace_back("PGCONNECT_TIMEOUT", std::to_string(request.source.connect_timeout_s));
  return command;
}

Status run_basebackup(ProcessRunner& runner, Clock& clock, const BaseBackupRequest& request,
                      std::optional<uint64_t> total, ProgressSink* sink) {
  Command command = basebackup_command(request);
  command.stop_on_interrupt = true;  // a copy may take hours
  VELO_ASSIGN_OR_RETURN(ExecResult result,
                        run_with_progress(
                            runner, command, [&] { return tree_bytes(request.data_dir); }, total,
                            "copying", sink, clock));
  if (result.exit_code == 0) return Status::Ok();
  std::string why = pg::redact_url(tool_error_line(result.err));
  if (why.find("No space left on device") != std::string::npos) {
    return make_error(ErrorKind::Io, "the disk filled up while copying the source: {}", why);
  }
  return make_error(ErrorKind::Io, "pg_basebackup failed (exit code {}): {}", result.exit_code,
                    why.empty() ? "no message" : why);
}

}  // namespace velo::core
