// velo wal status | prune
#include <fmt/format.h>

#include "app/reports.h"
#include "cli/command_table.h"
#include "cli/output.h"
#include "core/history/wal_ops.h"
#include "core/names.h"
#include "util/time_format.h"

namespace velo::cli {
namespace {

Status wal_status(const GlobalOptions& global, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto status, core::wal_status(env->ctx(), name));
  auto oldest = status.contents.oldest_segment();
  auto newest = status.contents.newest_segment();
  if (global.json) {
    print_json(app::wal_status_json(name, status));
    return Status::Ok();
  }
  if (status.archive_dir.empty()) {
    fmt::print("{} does not archive its WAL\n", name.full());
    return Status::Ok();
  }
  fmt::print("archive   {}\nsize      {} in {} files\n", status.archive_dir,
             human_bytes(status.contents.total_bytes), status.contents.files.size());
  fmt::print("oldest    {}\nnewest    {}\n",
             oldest ? oldest->name + " (archived " + format_utc(oldest->modified) + ")" : "-",
             newest ? newest->name + " (archived " + format_utc(newest->modified) + ")" : "-");
  if (status.window) {
    fmt::print("window    {} to {} (now)\n          by LSN {} to {}\n",
               format_utc(status.window->from_time), format_utc(status.window->to_time),
               core::format_lsn(status.window->from_lsn), core::format_lsn(status.window->to_lsn));
  } else {
    fmt::print("window    none: {}\n", status.no_window_reason);
  }
  if (!status.retention.empty()) fmt::print("retention {}\n", status.retention);
  return Status::Ok();
}

Status wal_prune(const GlobalOptions& global, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto result, core::prune_wal(env->ctx(), name));
  // Segments are kept by number on every timeline: an LSN names that
  // point, where a file name would have to pick a timeline.
  std::string keep_from = core::format_lsn(result.keep_from * core::kWalSegmentBytes);
  if (global.json) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& file : result.removed) removed.push_back(file.name);
    print_json({{"name", name.full()},
                {"kept_from_lsn", keep_from},
                {"removed", removed},
                {"bytes_removed", result.bytes_removed}});
    return Status::Ok();
  }
  fmt::print("removed {} ({}) from before LSN {}, which the oldest snapshot needs\n",
             counted(static_cast<int64_t>(result.removed.size()), "file", "files"),
             human_bytes(result.bytes_removed), keep_from);
  return Status::Ok();
}

void declare_branch(CLI::App& cmd, std::string& name) {
  cmd.add_option("branch", name, "PROJECT/BRANCH")->required();
}

}  // namespace

CommandTable wal_commands() {
  return {
      group("wal", "a branch's WAL archive: status and pruning"),
      command<std::string>({"wal", "status"},
                           "archive size, oldest and newest segment, recoverable window",
                           declare_branch, wal_status),
      command<std::string>({"wal", "prune"},
                           "remove archived WAL older than the oldest snapshot needs",
                           declare_branch, wal_prune),
  };
}

}  // namespace velo::cli
