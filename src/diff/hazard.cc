#include "diff/hazard.h"

namespace velo::diff {

std::string to_string(HazardKind kind) {
  switch (kind) {
    case HazardKind::DataLoss:
      return "data-loss";
    case HazardKind::TableRewrite:
      return "table-rewrite";
    case HazardKind::IndexBuild:
      return "index-build";
    case HazardKind::FullScanValidation:
      return "full-scan-validation";
    case HazardKind::EnumValueRemoval:
      return "enum-value-removal";
    case HazardKind::NeedsBackfill:
      return "needs-backfill";
    case HazardKind::LongLock:
      return "long-lock";
  }
  return "unknown";
}

bool operator==(const Hazard& a, const Hazard& b) {
  return a.kind == b.kind && a.reason == b.reason;
}

}  // namespace velo::diff
