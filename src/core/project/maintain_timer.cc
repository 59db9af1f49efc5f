#include "core/project/maintain_timer.h"

#include <cstdlib>
#include <utility>
#include <vector>

#include "core/undo.h"
#include "util/fs.h"

namespace velo::core {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

Status systemctl(ProcessRunner& runner, const SystemdHost& host, std::vector<std::string> args) {
  args.insert(args.begin(), host.systemctl);
  VELO_TRY(run_checked(runner, Command{args}));
  return Status::Ok();
}

}  // namespace

SystemdHost SystemdHost::from_environment() {
  SystemdHost host;
  host.unit_dir = env_or("VELO_SYSTEMD_UNIT_DIR", host.unit_dir);
  host.run_dir = env_or("VELO_SYSTEMD_RUN_DIR", host.run_dir);
  host.systemctl = env_or("VELO_SYSTEMCTL", host.systemctl);
  return host;
}

bool SystemdHost::booted() const { return path_exists(run_dir); }

Result<TimerInstall> install_maintain_timer(ProcessRunner& runner, const SystemdHost& host,
                                            const MaintainUnits& units) {
  TimerInstall out;
  if (!host.booted()) {
    out.reason = kNoSystemd;
    return out;
  }
  // A failed step takes the files away again, and systemd's view of them
  // once it had read them. (Declared before the stack, which refers to them.)
  std::vector<std::string> written;
  bool reloaded = false;
  UndoStack undo;
  undo.push("the maintain timer's units", [&]() -> Status {
    for (const auto& path : written) VELO_TRY(remove_tree(path));
    if (reloaded) VELO_TRY(systemctl(runner, host, {"daemon-reload"}));
    return Status::Ok();
  });
  // The timer last: it names the service.
  for (const auto& [name, text] :
       {std::pair{units.service, units.service_text}, std::pair{units.timer, units.timer_text}}) {
    std::string path = host.unit_dir + "/" + name;
    VELO_TRY(write_file_atomic(path, text, 0644));
    written.push_back(path);
  }
  VELO_TRY(systemctl(runner, host, {"daemon-reload"}));
  reloaded = true;
  VELO_TRY(systemctl(runner, host, {"enable", "--now", units.timer}));
  undo.commit();
  out.installed = true;
  out.timer = units.timer;
  return out;
}

TimerState maintain_timer_state(ProcessRunner& runner, const SystemdHost& host,
                                const std::string& home) {
  MaintainUnits names = maintain_unit_names(home);
  TimerState state;
  state.timer = names.timer;
  state.files = path_exists(host.unit_dir + "/" + names.service) &&
                path_exists(host.unit_dir + "/" + names.timer);
  if (state.files && host.booted()) {
    // is-active prints the state and exits non-zero unless it is active.
    auto ran = runner.run(Command{{host.systemctl, "is-active", names.timer}});
    if (ran.ok()) state.active = ran->exit_code == 0 && ran->out.starts_with("active");
  }
  return state;
}

}  // namespace velo::core
