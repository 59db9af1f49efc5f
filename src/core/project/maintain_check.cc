#include "core/project/maintain_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/history/maintain.h"
#include "core/history/pitr_time.h"

namespace velo::core {
namespace {

constexpr const char* kCheck = "maintenance";
constexpr auto kStaleAfter = std::chrono::minutes(5);

// How long since the last run still counts as lately.
Result<std::chrono::seconds> stale_after(Context& ctx) {
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  std::chrono::seconds limit = kStaleAfter;
  // Behind by more than a snapshot interval: the windows lose their points.
  for (const auto& p : projects) {
    limit = std::min(limit, std::chrono::seconds(p.snapshot_every_s + 60));
  }
  return limit;
}

}  // namespace

Finding check_maintenance(Context& ctx, const SystemdHost& host) {
  auto last = last_maintain(ctx.store);
  auto limit = stale_after(ctx);
  if (!last.ok() || !limit.ok()) {
    return {kCheck, "fail", !last.ok() ? last.error().message : limit.error().message};
  }
  bool stale = true;
  std::string ran = "last ran never";
  if (*last) {
    const LastMaintain& l = **last;
    auto at = parse_rfc3339(l.at);
    stale = !at.ok() || ctx.clock.now() - *at > *limit;
    ran = l.ok ? fmt::format("last ran {} (ok)", l.at)
               : fmt::format("last ran {} and failed: {}", l.at, l.reason);
  }
  bool failed = *last && !(*last)->ok;

  TimerState timer = maintain_timer_state(ctx.runner, host, ctx.home);
  if (!timer.files) {
    if (!stale && !failed) {
      return {kCheck, "ok", ran + "; no timer installed (something else runs velo maintain)"};
    }
    return {kCheck, "warn",
            ran +
                "; no timer installed: 'velo init' installs one where systemd runs; "
                "elsewhere run 'velo maintain --every 60s' (or cron, every minute)"};
  }
  if (timer.active.has_value() && !*timer.active) {
    return {kCheck, "warn",
            fmt::format("{}; the timer {} is installed but not active: systemctl enable --now {}",
                        ran, timer.timer, timer.timer)};
  }
  std::string timer_text =
      timer.active.has_value()
          ? fmt::format("timer {} active", timer.timer)
          : fmt::format("timer {} installed (systemd does not run here)", timer.timer);
  if (stale || failed) {
    return {kCheck, "warn",
            fmt::format("{}; {}: see journalctl -u {}", ran, timer_text,
                        maintain_unit_names(ctx.home).service)};
  }
  return {kCheck, "ok", ran + "; " + timer_text};
}

}  // namespace velo::core
