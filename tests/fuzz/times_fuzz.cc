// The times and durations a user types (--at, --retention, prune
// --older-than): a time velo accepts must print and parse back to itself.
#include <chrono>

#include "core/history/pitr_time.h"
#include "fuzz_check.h"
#include "util/time_format.h"

using namespace velo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::as_text(data, size);
  const core::TimePoint now{std::chrono::seconds(1795000000)};
  auto at = core::parse_point_in_time(text, now);
  fuzz::require_clean_refusal(at);
  auto exact = core::parse_rfc3339(text);
  fuzz::require_clean_refusal(exact);
  for (const auto* parsed : {&at, &exact}) {
    if (!parsed->ok()) continue;
    std::string printed = format_utc(parsed->value());
    auto again = core::parse_rfc3339(printed);
    fuzz::require(again.ok() && format_utc(again.value()) == printed);
  }
  auto duration = core::parse_duration(text);
  fuzz::require_clean_refusal(duration);
  if (duration.ok()) fuzz::require(duration.value().count() > 0);
  return 0;
}
