// What a change risks beyond changing the schema: data it destroys, locks
// it holds for a long time. Reported with each change and each statement,
// so that a merge can ask before it applies them.
#pragma once

#include <string>
#include <vector>

namespace velo::diff {

enum class HazardKind {
  DataLoss,            // DROP TABLE/COLUMN/SCHEMA/..., narrowing a type
  TableRewrite,        // ALTER COLUMN TYPE that rewrites, volatile default, SET LOGGED
  IndexBuild,          // CREATE INDEX without CONCURRENTLY on an existing table
  FullScanValidation,  // SET NOT NULL, ADD CHECK/FOREIGN KEY without NOT VALID
  EnumValueRemoval,    // an enum value dropped: the type is rebuilt
  // A NOT NULL column without a default added to an existing table: fails
  // unless the table is empty; the rows need values first (a backfill).
  NeedsBackfill,
  // Found by a merge's rehearsal, not by the planner: an ACCESS EXCLUSIVE
  // lock held longer than the threshold.
  LongLock,
};

struct Hazard {
  HazardKind kind;
  std::string reason;
};

// "data-loss", "table-rewrite", "index-build", "full-scan-validation",
// "enum-value-removal", "needs-backfill", "long-lock".
std::string to_string(HazardKind kind);

bool operator==(const Hazard& a, const Hazard& b);

}  // namespace velo::diff
