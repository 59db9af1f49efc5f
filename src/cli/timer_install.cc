#include "cli/timer_install.h"

#include "runtime/velo_link.h"
#include "util/os_user.h"

namespace velo::cli {

Result<core::TimerInstall> install_home_timer(const std::string& home,
                                              const core::SystemdHost& host) {
  RealProcessRunner runner;
  VELO_ASSIGN_OR_RETURN(
      auto units, core::maintain_units(home, runtime::self_executable(), current_user().name));
  return core::install_maintain_timer(runner, host, units);
}

}  // namespace velo::cli
