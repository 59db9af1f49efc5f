#include "core/space/space_cache.h"

#include <nlohmann/json.hpp>

#include "util/fs.h"

namespace velo::core {
namespace {

std::string cache_path(const Context& ctx) { return ctx.home + "/cache/space.json"; }

// Milliseconds, as format_utc prints them: a size read back from the
// cache reports the same measured time as when it was measured.
int64_t to_millis(Clock::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

SpaceCache load_space_cache(const Context& ctx) {
  SpaceCache cache;
  auto text = read_file(cache_path(ctx));
  if (!text.ok()) return cache;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object()) return cache;
  for (const auto& [volume, entry] : json.items()) {
    if (!entry.is_object()) continue;
    try {
      VolumeMeasure m;
      m.space.logical_bytes = entry.at("logical").get<uint64_t>();
      m.space.unique_bytes = entry.at("unique").get<uint64_t>();
      m.space.snapshot_bytes = entry.at("snapshots").get<uint64_t>();
      m.archive_bytes = entry.at("archive").get<uint64_t>();
      m.measured_at = Clock::TimePoint(std::chrono::milliseconds(entry.at("at_ms").get<int64_t>()));
      cache.emplace(volume, m);
    } catch (const nlohmann::json::exception&) {
      // A damaged entry is measured again.
    }
  }
  return cache;
}

void save_space_cache(const Context& ctx, const SpaceCache& cache) {
  if (!make_dirs(ctx.home + "/cache", 0700).ok()) return;
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [volume, m] : cache) {
    json[volume] = {{"logical", m.space.logical_bytes},
                    {"unique", m.space.unique_bytes},
                    {"snapshots", m.space.snapshot_bytes},
                    {"archive", m.archive_bytes},
                    {"at_ms", to_millis(m.measured_at)}};
  }
  (void)write_file_atomic(cache_path(ctx), json.dump(), 0600);
}

}  // namespace velo::core
