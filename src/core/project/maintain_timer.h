// The maintain timer of a home on the host: whether systemd runs, and
// writing and enabling the units of maintain_units.h (velo init), or
// reading their state (velo doctor). systemctl runs from argv vectors
// through the ProcessRunner.
#pragma once

#include <optional>
#include <string>

#include "core/project/maintain_units.h"
#include "util/exec.h"

namespace velo::core {

// Where systemd's files are and how to drive it. The defaults are the
// real ones; three variables override them, as hooks for tests and
// packaging (read in from_environment() only):
//   VELO_SYSTEMD_UNIT_DIR  where units are written (/etc/systemd/system)
//   VELO_SYSTEMD_RUN_DIR   present iff systemd runs (/run/systemd/system)
//   VELO_SYSTEMCTL         the systemctl program (systemctl, from $PATH)
struct SystemdHost {
  std::string unit_dir = "/etc/systemd/system";
  std::string run_dir = "/run/systemd/system";
  std::string systemctl = "systemctl";

  static SystemdHost from_environment();
  // What sd_booted() checks: systemd is PID 1 when its run directory exists.
  bool booted() const;
};

// TimerInstall::reason when systemd does not run.
inline constexpr const char* kNoSystemd = "systemd does not run here";

struct TimerInstall {
  bool installed = false;
  std::string timer;   // the timer's unit name when installed
  std::string reason;  // why not, when not installed
};

// Writes `units` into the unit directory (0644, atomically; the same
// names again on a second call, never a second pair), then runs
// `systemctl daemon-reload` and `systemctl enable --now <timer>`. When
// systemd does not run, does nothing and says so in `reason`. When a step
// fails, the files it wrote go again and the error is returned.
Result<TimerInstall> install_maintain_timer(ProcessRunner& runner, const SystemdHost& host,
                                            const MaintainUnits& units);

struct TimerState {
  std::string timer;           // its unit name
  bool files = false;          // both unit files are in the unit directory
  std::optional<bool> active;  // systemctl is-active, when systemd runs
};

// The state of `home`'s timer; never fails (what it cannot learn stays
// unset).
TimerState maintain_timer_state(ProcessRunner& runner, const SystemdHost& host,
                                const std::string& home);

}  // namespace velo::core
