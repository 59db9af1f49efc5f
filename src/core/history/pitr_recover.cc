#include "core/history/pitr_recover.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>

#include "pg/config_files.h"
#include "util/fs.h"
#include "util/os_error.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

constexpr char kNotReached[] = "recovery ended before configured recovery target was reached";

Status write_signal_file(const std::string& data_dir) {
  struct stat st {};
  if (::stat(data_dir.c_str(), &st) != 0) return os_error(errno, "stat " + data_dir);
  return write_file_atomic(data_dir + "/recovery.signal", "", 0600, st.st_uid, st.st_gid);
}

// The newest "restored log file" line of the server log: the segment that
// replay has reached, even before the server accepts connections.
std::string last_restored_segment(const std::string& log) {
  const std::string marker = "restored log file \"";
  auto at = log.rfind(marker);
  if (at == std::string::npos) return "";
  auto start = at + marker.size();
  auto end = log.find('"', start);
  return end == std::string::npos ? "" : log.substr(start, end - start);
}

// Reports replay progress at most every few seconds, with how far it is
// toward the target.
class Progress {
 public:
  Progress(Context& ctx, BranchHandle& branch, const RecoveryPlan& plan)
      : ctx_(ctx), branch_(branch), plan_(plan) {}

  void maybe_report(const std::string& status) {
    auto now = ctx_.clock.monotonic();
    if (now < next_) return;
    next_ = now + std::chrono::seconds(2);
    std::string where;
    std::optional<Lsn> at;
    // Consistent, a hot standby says "ready" and takes read-only logins:
    // the replay position itself can be asked for, at one login per
    // report.
    if (status == "ready") {
      auto conn = ctx_.pg.connect(conn_params(branch_));
      if (conn.ok()) {
        auto rows = (*conn)->query(
            "SELECT pg_last_wal_replay_lsn()::text, "
            "coalesce(to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), '-')");
        if (rows.ok() && !rows->empty() && rows->at(0).size() == 2) {
          where = fmt::format("{} (last commit {})", rows->at(0).at(0), rows->at(0).at(1));
          auto lsn = parse_lsn(rows->at(0).at(0));
          if (lsn.ok()) at = *lsn;
        }
      }
    }
    if (where.empty()) {
      std::string segment = last_restored_segment(branch_.runtime->log_tail(branch_.spec, 20));
      auto parsed = parse_wal_file_name(segment);
      if (parsed && parsed->segno) {
        where = "segment " + segment;
        at = *parsed->segno * kWalSegmentBytes;
      }
    }
    if (where.empty() || where == last_) return;
    last_ = where;
    std::optional<int> percent = at ? replay_percent(plan_, *at) : std::nullopt;
    ctx_.reporter.step(fmt::format("replaying WAL: {}at {}, target {}",
                                   percent ? fmt::format("{}% ", *percent) : "", where,
                                   describe_target(plan_.target)));
  }

 private:
  Context& ctx_;
  BranchHandle& branch_;
  const RecoveryPlan& plan_;
  std::chrono::steady_clock::time_point next_{};
  std::string last_;
};

Result<bool> promoted(Context& ctx, BranchHandle& branch) {
  VELO_ASSIGN_OR_RETURN(auto conn, ctx.pg.connect(conn_params(branch)));
  VELO_ASSIGN_OR_RETURN(auto rows, conn->query("SELECT pg_is_in_recovery()"));
  return rows.at(0).at(0) == "f";
}

// The log since the server's latest start: a log kept from an earlier
// attempt under the same name must not answer for this one.
std::string log_since_start(BranchHandle& branch, int lines) {
  std::string log = branch.runtime->log_tail(branch.spec, lines);
  auto start = log.rfind("starting PostgreSQL");
  return start == std::string::npos ? log : log.substr(start);
}

Error recovery_failed(BranchHandle& branch, const RecoveryTarget& target, const Error& cause) {
  std::string log = log_since_start(branch, 60);
  if (log.find(kNotReached) != std::string::npos) {
    return make_error(ErrorKind::Io,
                      "recovery of {}/{} ended before its target {}: the archived WAL ends "
                      "earlier; last log lines:\n{}",
                      branch.project.name, branch.branch.name, describe_target(target),
                      branch.runtime->log_tail(branch.spec, 8));
  }
  return cause;
}

// Promotion alone does not prove the target was reached; the server's
// "recovery stopping before ..." line does.
Status check_stopped_at_target(Context& ctx, BranchHandle& branch, const RecoveryTarget& target) {
  std::string log = log_since_start(branch, 300);
  auto at = log.rfind("recovery stopping");
  if (at == std::string::npos) {
    return make_error(ErrorKind::Io,
                      "{}/{} was promoted without reaching its target {}; last log lines:\n{}",
                      branch.project.name, branch.branch.name, describe_target(target),
                      branch.runtime->log_tail(branch.spec, 10));
  }
  auto end = log.find('\n', at);
  ctx.reporter.step(log.substr(at, end == std::string::npos ? std::string::npos : end - at));
  return Status::Ok();
}

}  // namespace

pg::Settings recovery_settings(const RecoveryTarget& target) {
  pg::Settings settings;
  if (target.kind == TargetSpec::Kind::Time) {
    settings.emplace_back("recovery_target_time", format_pg_utc(target.time));
    settings.emplace_back("recovery_target_inclusive", "on");
  } else {
    settings.emplace_back("recovery_target_lsn", format_lsn(target.lsn));
    settings.emplace_back("recovery_target_inclusive", "off");
  }
  // A parent that is itself a point-in-time branch has a timeline history
  // in its archive; follow it to the parent's current timeline.
  settings.emplace_back("recovery_target_timeline", "latest");
  settings.emplace_back("recovery_target_action", "promote");
  return settings;
}

std::string describe_target(const RecoveryTarget& target) {
  return target.kind == TargetSpec::Kind::Time ? format_utc(target.time)
                                               : "LSN " + format_lsn(target.lsn);
}

std::optional<int> replay_percent(const RecoveryPlan& plan, Lsn at) {
  auto start = parse_lsn(plan.snapshot.lsn);
  if (!start.ok()) return std::nullopt;
  const Lsn end = plan.target.kind == TargetSpec::Kind::Lsn ? plan.target.lsn : plan.window.to_lsn;
  if (end <= *start) return std::nullopt;
  if (at <= *start) return 0;
  if (at >= end) return 100;
  return static_cast<int>((at - *start) * 100 / (end - *start));
}

Status prepare_recovery(BranchHandle& branch, const RecoveryPlan& plan,
                        const std::string& restore_dir) {
  // The runtime turns restore_dir into restore_command (and, in a
  // container, a read-only mount of the parent's archive).
  branch.spec.restore_dir = restore_dir;
  VELO_TRY(prepare_data_dir(branch, recovery_settings(plan.target)));
  return write_signal_file(branch.spec.data_dir);
}

Status recover_to_target(Context& ctx, BranchHandle& branch, const RecoveryPlan& plan,
                         std::chrono::seconds timeout) {
  ctx.reporter.step(fmt::format("recovering {}/{} from snapshot {} ({}) to {}", branch.project.name,
                                branch.branch.name, plan.snapshot.id, plan.snapshot.created_at,
                                describe_target(plan.target)));
  Progress progress(ctx, branch, plan);
  ReadyWait wait;
  wait.timeout = timeout;
  wait.done = [&] { return promoted(ctx, branch); };
  // The server removes recovery.signal when replay has reached the target.
  const std::string signal = branch.spec.data_dir + "/recovery.signal";
  wait.not_yet = [&] { return path_exists(signal); };
  wait.on_poll = [&](const std::string& status) { progress.maybe_report(status); };
  wait.on_exit = [&](const Error& exited) { return recovery_failed(branch, plan.target, exited); };
  wait.goal = "reach " + describe_target(plan.target);
  VELO_TRY(start_and_wait(ctx, branch, wait));
  VELO_TRY(check_stopped_at_target(ctx, branch, plan.target));

  // The server removed recovery.signal when it promoted; the settings go
  // too, so that nothing of the recovery remains for the next start. No
  // reload: recovery settings are read at startup only, and a reload
  // would log each of them as "cannot be changed without restarting".
  branch.spec.restore_dir.clear();
  return pg::write_velo_conf(branch.spec.data_dir, velo_settings(branch));
}

}  // namespace velo::core
