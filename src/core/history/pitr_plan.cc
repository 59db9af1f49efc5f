#include "core/history/pitr_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/time_format.h"

namespace velo::core {
namespace {

constexpr auto kTimestampGrain = std::chrono::milliseconds(1);

// The earliest target time a snapshot serves.
TimePoint serves_from(const state::SnapshotRecord& s) {
  return *parse_rfc3339(s.created_at) + kTimestampGrain;
}

Lsn lsn_of(const state::SnapshotRecord& s) { return *parse_lsn(s.lsn); }

Error outside(const WindowInputs& inputs, const Window& window, const std::string& what) {
  return make_error(ErrorKind::Invalid, "{}; the recoverable window of {} is {}", what,
                    inputs.branch, describe_window(window));
}

}  // namespace

std::vector<state::SnapshotRecord> usable_snapshots(const WindowInputs& inputs) {
  std::vector<state::SnapshotRecord> out;
  for (const auto& s : inputs.snapshots) {
    auto lsn = parse_lsn(s.lsn);
    if (!lsn.ok() || !parse_rfc3339(s.created_at).ok()) continue;
    auto redo = parse_lsn(s.redo_lsn);
    uint64_t needed_from = segment_of(redo.ok() ? *redo : *lsn);
    if (inputs.oldest_archived_segno && *inputs.oldest_archived_segno > needed_from) continue;
    out.push_back(s);
  }
  return out;
}

Result<Window> recoverable_window(const WindowInputs& inputs) {
  auto usable = usable_snapshots(inputs);
  if (usable.empty()) {
    return make_error(ErrorKind::Invalid,
                      "{} has no snapshot to recover from: take one with 'velo snapshot create "
                      "{}'; from then on its archived WAL is recoverable",
                      inputs.branch, inputs.branch);
  }
  Window window;
  window.from_time = serves_from(usable.front());
  window.from_lsn = lsn_of(usable.front());
  for (const auto& s : usable) {
    window.from_time = std::min(window.from_time, serves_from(s));
    window.from_lsn = std::min(window.from_lsn, lsn_of(s));
  }
  window.to_time = inputs.now;
  window.to_lsn = std::max(inputs.current_lsn, window.from_lsn);
  return window;
}

std::string describe_window(const Window& window) {
  return fmt::format("{} to {} (now); by LSN {} to {}", format_utc(window.from_time),
                     format_utc(window.to_time), format_lsn(window.from_lsn),
                     format_lsn(window.to_lsn));
}

Result<RecoveryTarget> parse_target(const TargetSpec& spec, TimePoint now) {
  RecoveryTarget target;
  target.kind = spec.kind;
  if (spec.kind == TargetSpec::Kind::Lsn) {
    VELO_ASSIGN_OR_RETURN(target.lsn, parse_lsn(spec.text));
  } else {
    VELO_ASSIGN_OR_RETURN(target.time, parse_point_in_time(spec.text, now));
  }
  return target;
}

Result<RecoveryPlan> plan_recovery(const WindowInputs& inputs, const TargetSpec& spec) {
  VELO_ASSIGN_OR_RETURN(Window window, recoverable_window(inputs));
  auto target = parse_target(spec, inputs.now);
  if (!target.ok()) return outside(inputs, window, target.error().message);
  const bool by_time = target->kind == TargetSpec::Kind::Time;
  if (by_time && target->time > window.to_time) {
    return outside(
        inputs, window,
        fmt::format("{} is after the newest WAL of {}", format_utc(target->time), inputs.branch));
  }
  if (!by_time && target->lsn > window.to_lsn) {
    return outside(
        inputs, window,
        fmt::format("{} is after the newest WAL of {}", format_lsn(target->lsn), inputs.branch));
  }
  std::optional<state::SnapshotRecord> best;
  for (const auto& s : usable_snapshots(inputs)) {
    bool serves = by_time ? serves_from(s) <= target->time : lsn_of(s) <= target->lsn;
    if (!serves) continue;
    bool newer = !best ||
                 (by_time ? serves_from(s) > serves_from(*best) : lsn_of(s) > lsn_of(*best)) ||
                 ((by_time ? serves_from(s) == serves_from(*best) : lsn_of(s) == lsn_of(*best)) &&
                  s.id > best->id);
    if (newer) best = s;
  }
  if (!best) {
    std::string what = by_time ? format_utc(target->time) : format_lsn(target->lsn);
    return outside(
        inputs, window,
        fmt::format("{} is before the oldest usable snapshot of {}", what, inputs.branch));
  }
  return RecoveryPlan{*target, *best, window};
}

}  // namespace velo::core
