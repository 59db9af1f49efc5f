// Installing a home's maintain timer (core/project/maintain_timer.h) for
// the user running velo and this velo binary: at `velo init`, and later
// by `velo maintain --install-timer` for a home made without one.
#pragma once

#include <string>

#include "core/project/maintain_timer.h"
#include "util/result.h"

namespace velo::cli {

// What to do instead where no timer runs velo maintain.
inline constexpr const char* kMaintainByHand =
    "run 'velo maintain --every 60s' (or 'velo maintain' from cron every minute)";

Result<core::TimerInstall> install_home_timer(const std::string& home,
                                              const core::SystemdHost& host);

}  // namespace velo::cli
