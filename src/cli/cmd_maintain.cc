// velo maintain [--every DURATION]: the timed work of the home
// (core/history/maintain.h), once or in the foreground until a signal.
#include "cli/cmd_maintain.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "cli/output.h"
#include "cli/timer_install.h"
#include "core/history/maintain.h"
#include "core/history/pitr_time.h"
#include "util/interrupt.h"
#include "util/time_format.h"

namespace velo::cli {
namespace {

struct MaintainArgs {
  std::string every;  // "" for one run
  bool install_timer = false;
};

nlohmann::json project_json(const core::ProjectMaintenance& m) {
  nlohmann::json pruned = nlohmann::json::array();
  for (const auto& s : m.pruned) pruned.push_back(s.id);
  nlohmann::json taken = nlohmann::json::array();
  nlohmann::json main_snapshot;  // "snapshot": main's, as before branches had windows
  for (const auto& s : m.taken) {
    taken.push_back({{"branch", s.branch}, {"id", s.id}});
    if (s.branch == "main") main_snapshot = s.id;
  }
  return {{"project", m.project},
          {"restarted", m.restarted},
          {"snapshot", main_snapshot},
          {"snapshots", taken},
          {"pruned_snapshots", pruned},
          {"wal_files_removed", m.wal_files_removed},
          {"wal_bytes_removed", m.wal_bytes_removed},
          {"notes", m.notes}};
}

void print_text(const std::vector<core::ProjectMaintenance>& done) {
  for (const auto& m : done) {
    std::string line = m.project + ":";
    for (const auto& b : m.restarted) line += fmt::format(" {} started again after a crash;", b);
    for (const auto& s : m.taken) line += fmt::format(" snapshot {} of {} taken;", s.id, s.branch);
    if (!m.pruned.empty()) line += fmt::format(" {} snapshot(s) pruned;", m.pruned.size());
    if (m.wal_files_removed > 0) {
      line += fmt::format(" {} WAL file(s) ({}) removed;", m.wal_files_removed,
                          human_bytes(m.wal_bytes_removed));
    }
    for (const auto& note : m.notes) line += " " + note + ";";
    if (line.back() == ':') line += " nothing due";
    if (line.back() == ';') line.pop_back();
    fmt::print("{}\n", line);
  }
  if (done.empty()) fmt::print("no projects\n");
}

Status run_once(const GlobalOptions& global, core::Context& ctx) {
  VELO_ASSIGN_OR_RETURN(auto done, core::maintain_home(ctx));
  if (global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : done) list.push_back(project_json(m));
    print_json({{"at", format_utc(ctx.clock.now())}, {"projects", list}});
  } else {
    print_text(done);
  }
  std::fflush(stdout);
  return Status::Ok();
}

// --install-timer: the timer velo init installs, for a home made without
// one (--no-service, an older velo, systemd started later). Asked for, a
// timer that cannot be installed is an error, not init's warning.
Status install_timer(const GlobalOptions& global, const std::string& home) {
  core::SystemdHost host = core::SystemdHost::from_environment();
  VELO_ASSIGN_OR_RETURN(auto outcome, install_home_timer(home, host));
  if (!outcome.installed) {
    return make_error(ErrorKind::Unavailable, "no maintain timer installed: {}; {}", outcome.reason,
                      kMaintainByHand);
  }
  if (global.json) {
    print_json({{"installed", true}, {"unit", outcome.timer}});
  } else {
    fmt::print("installed {} in {}: systemd runs velo maintain every minute\n", outcome.timer,
               host.unit_dir);
  }
  return Status::Ok();
}

Status maintain_command(const GlobalOptions& global, const MaintainArgs& args) {
  if (args.install_timer && !args.every.empty()) {
    return make_error(ErrorKind::Invalid, "--install-timer does not go with --every");
  }
  std::optional<std::chrono::seconds> every;
  if (!args.every.empty()) {
    auto parsed = core::parse_duration(args.every);
    if (!parsed.ok()) {
      return make_error(ErrorKind::Invalid, "invalid --every '{}': expected e.g. 60s or 5m",
                        args.every);
    }
    every = *parsed;
  }
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  if (args.install_timer) return install_timer(global, ctx.home);
  if (!every) return run_once(global, ctx);
  // Signals are remembered, not fatal: a run finishes (or undoes its
  // step), and the loop ends between runs.
  interrupt::Deferral deferral;
  while (interrupt::received() == 0) {
    Status ran = run_once(global, ctx);
    if (!ran.ok()) fmt::print(stderr, "velo: warning: maintain: {}\n", ran.error().message);
    auto until = ctx.clock.monotonic() + *every;
    while (interrupt::received() == 0 && ctx.clock.monotonic() < until) {
      ctx.clock.sleep_for(std::chrono::milliseconds(200));
    }
  }
  return Status::Ok();
}

}  // namespace

CommandRow maintain_row() {
  return command<MaintainArgs>(
      {"maintain"},
      "scheduled snapshots and pruning past each project's retention (run it every minute)",
      [](CLI::App& app, MaintainArgs& a) {
        app.add_option(
            "--every", a.every,
            "run again every DURATION (e.g. 60s) in the foreground until SIGINT/SIGTERM");
        app.add_flag("--install-timer", a.install_timer,
                     "install the systemd timer that velo init installs (running velo maintain "
                     "every minute) for this home, and run nothing now");
      },
      maintain_command);
}

}  // namespace velo::cli
