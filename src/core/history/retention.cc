#include "core/history/retention.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/history/wal_position.h"
#include "util/time_format.h"

namespace velo::core {
namespace {

using std::chrono::seconds;

// What pitr_plan.h calls the earliest target a snapshot serves.
constexpr auto kTimestampGrain = std::chrono::milliseconds(1);

std::optional<TimePoint> serves_from(const state::SnapshotRecord& s) {
  auto created = parse_rfc3339(s.created_at);
  if (!created.ok()) return std::nullopt;
  return *created + kTimestampGrain;
}

std::string dependents_of(const state::SnapshotRecord& s,
                          const std::vector<state::BranchRecord>& branches) {
  std::string names;
  for (const auto& b : branches) {
    bool depends =
        b.parent_volume == s.volume && (b.base_snapshot == s.name || b.source_snapshot == s.name);
    if (depends) names += (names.empty() ? "" : ", ") + b.project + "/" + b.name;
  }
  return names;
}

std::string merges_of(const state::SnapshotRecord& s, const std::vector<state::MergeRecord>& all) {
  std::string ids;
  for (const auto& m : all) {
    if (m.snapshot_id == s.id) ids += (ids.empty() ? "" : ", ") + std::to_string(m.id);
  }
  return ids;
}

// Every reason but the window's, which needs the volume's other snapshots.
SnapshotDecision decide_alone(const state::SnapshotRecord& s, const RetentionInputs& in) {
  SnapshotDecision d{s, KeepReason::None, ""};
  if (auto names = dependents_of(s, in.branches); !names.empty()) {
    d.reason = KeepReason::BranchDepends;
    d.detail = names;
  } else if (auto ids = merges_of(s, in.merges); !ids.empty()) {
    d.reason = KeepReason::MergeDepends;
    d.detail = "merge " + ids;
  } else if (s.kind == "user") {
    d.reason = KeepReason::User;
  } else if (in.windows.count(s.volume) == 0) {
    d.reason = KeepReason::NoWindow;
  } else if (!serves_from(s)) {
    d.reason = KeepReason::Unreadable;
  }
  return d;
}

// The window's reasons, for the snapshots of one windowed volume.
void decide_window(std::vector<SnapshotDecision>& decisions, const std::string& volume,
                   TimePoint window_start) {
  SnapshotDecision* start = nullptr;
  for (auto& d : decisions) {
    if (d.snapshot.volume != volume) continue;
    auto from = serves_from(d.snapshot);
    if (!from) continue;
    if (*from > window_start) {
      if (!d.kept()) d.reason = KeepReason::InWindow;
      continue;
    }
    // Only a recovery base (one with an LSN) can serve the window's start.
    if (!parse_lsn(d.snapshot.lsn).ok()) continue;
    bool newer = start == nullptr || *from > *serves_from(start->snapshot) ||
                 (*from == *serves_from(start->snapshot) && d.snapshot.id > start->snapshot.id);
    if (newer) start = &d;
  }
  if (start != nullptr && !start->kept()) start->reason = KeepReason::WindowStart;
}

void plan_wal(RetentionPlan& plan) {
  for (const auto& d : plan.decisions) {
    if (!d.kept()) continue;
    auto lsn = parse_lsn(d.snapshot.lsn);
    if (!lsn.ok()) continue;  // not a recovery base: needs no WAL
    auto redo = parse_lsn(d.snapshot.redo_lsn);
    if (!redo.ok()) {
      plan.wal_unknown.insert(d.snapshot.volume);
      continue;
    }
    uint64_t segno = segment_of(*redo);
    auto [it, inserted] = plan.wal_needed_from.emplace(d.snapshot.volume, segno);
    if (!inserted) it->second = std::min(it->second, segno);
  }
  for (const auto& volume : plan.wal_unknown) plan.wal_needed_from.erase(volume);
}

}  // namespace

RetentionPolicy policy_of(const state::ProjectRecord& project) {
  return RetentionPolicy{seconds(project.retention_s), seconds(project.snapshot_every_s)};
}

std::optional<RetentionPolicy> policy_of(const state::ProjectRecord& project,
                                         const state::BranchRecord& branch) {
  if (!branch.parent) return policy_of(project);
  if (branch.retention_s <= 0) return std::nullopt;
  return RetentionPolicy{seconds(branch.retention_s), seconds(branch.snapshot_every_s)};
}

constexpr seconds kMin(60);
constexpr seconds kMax(int64_t{10} * 366 * 86400);

Status validate_policy(int64_t retention_s, int64_t snapshot_every_s) {
  for (auto [option, value] :
       {std::pair{"--retention", retention_s}, std::pair{"--snapshot-every", snapshot_every_s}}) {
    if (value < kMin.count() || value > kMax.count()) {
      return make_error(ErrorKind::Invalid, "invalid {} of {} s: expected 1m to 10 years", option,
                        value);
    }
  }
  return Status::Ok();
}

Result<seconds> parse_retention_duration(const std::string& option, const std::string& text) {
  auto parsed = parse_duration(text);
  if (!parsed.ok() || *parsed < kMin || *parsed > kMax) {
    return make_error(ErrorKind::Invalid,
                      "invalid {} '{}': expected a duration from 1m to 10 years, e.g. 10m, 1h, "
                      "24h or 7d",
                      option, text);
  }
  return *parsed;
}

std::string format_span(seconds span) {
  int64_t s = span.count();
  if (s > 0 && s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s > 0 && s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s > 0 && s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

std::string describe(KeepReason reason) {
  switch (reason) {
    case KeepReason::None:
      return "past retention";
    case KeepReason::BranchDepends:
      return "a branch depends on it";
    case KeepReason::MergeDepends:
      return "a merge depends on it";
    case KeepReason::User:
      return "user snapshot";
    case KeepReason::InWindow:
      return "inside the retention window";
    case KeepReason::WindowStart:
      return "base of the retention window's start";
    case KeepReason::NoWindow:
      return "history of a branch without retention";
    case KeepReason::Unreadable:
      return "unreadable time: kept";
  }
  return "?";
}

const SnapshotDecision* RetentionPlan::find(const std::string& volume,
                                            const std::string& name) const {
  for (const auto& d : decisions) {
    if (d.snapshot.volume == volume && d.snapshot.name == name) return &d;
  }
  return nullptr;
}

namespace {

WindowStart window_start(const VolumeWindow& window, TimePoint now) {
  TimePoint by_retention = now - window.policy.retention;
  if (window.since > by_retention) {
    return {window.since, fmt::format("{} then (less than {} ago)", window.since_what,
                                      format_span(window.policy.retention))};
  }
  return {by_retention, fmt::format("retention {}", format_span(window.policy.retention))};
}

}  // namespace

RetentionPlan plan_retention(const RetentionInputs& inputs) {
  RetentionPlan plan;
  plan.decisions.reserve(inputs.snapshots.size());
  for (const auto& s : inputs.snapshots) plan.decisions.push_back(decide_alone(s, inputs));
  for (const auto& [volume, window] : inputs.windows) {
    WindowStart start = window_start(window, inputs.now);
    decide_window(plan.decisions, volume, start.at);
    plan.window_starts.emplace(volume, std::move(start));
  }
  plan_wal(plan);
  return plan;
}

std::optional<TimePoint> newest_snapshot_time(const std::vector<state::SnapshotRecord>& snapshots,
                                              const std::string& volume, const std::string& kind) {
  std::optional<TimePoint> newest;
  for (const auto& s : snapshots) {
    if (s.volume != volume || s.kind != kind) continue;
    auto created = parse_rfc3339(s.created_at);
    if (created.ok() && (!newest || *created > *newest)) newest = *created;
  }
  return newest;
}

}  // namespace velo::core
