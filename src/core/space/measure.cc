#include "core/space/measure.h"

#include "core/history/wal_archive.h"

namespace velo::core {
namespace {

std::optional<VolumeMeasure> measure_volume(Context& ctx, const std::string& volume) {
  VolumeMeasure m;
  // At the cache's precision, so that a reused measure reads the same.
  m.measured_at = std::chrono::time_point_cast<std::chrono::milliseconds>(ctx.clock.now());
  auto space = ctx.driver.volume_space(volume);
  if (space.ok()) {
    m.space = *space;
  } else if (space.error().kind != ErrorKind::NotFound) {
    return std::nullopt;
  }
  auto archive = list_archive(archive_dir_of(ctx.config, ctx.driver, volume));
  if (archive.ok()) m.archive_bytes = archive->total_bytes;
  return m;
}

}  // namespace

std::map<std::string, VolumeMeasure> measure_volumes(Context& ctx,
                                                     const std::vector<std::string>& volumes,
                                                     SpaceMaxAge max_age) {
  SpaceCache cache = load_space_cache(ctx);
  const Clock::TimePoint now = ctx.clock.now();
  std::map<std::string, VolumeMeasure> out;
  bool measured = false;
  for (const auto& volume : volumes) {
    auto known = cache.find(volume);
    // A measure from the future (a clock set back) is not trusted either.
    if (known != cache.end() && known->second.measured_at <= now &&
        now - known->second.measured_at <= max_age && max_age.count() > 0) {
      out[volume] = known->second;
      continue;
    }
    auto fresh = measure_volume(ctx, volume);
    if (!fresh) continue;
    out[volume] = *fresh;
    cache[volume] = *fresh;
    measured = true;
  }
  if (measured) save_space_cache(ctx, cache);
  return out;
}

}  // namespace velo::core
