// velo branch diff: a branch's schema changes since it started, or against
// another branch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/names.h"
#include "diff/change.h"
#include "diff/model.h"

namespace velo::core {

struct DiffOptions {
  BranchName name;
  std::optional<BranchName> against = std::nullopt;    // default: the branch's starting schema
  std::optional<std::string> database = std::nullopt;  // default: every database
};

struct BranchDiff {
  std::string from_label;  // "demo/dev's starting point", "demo/main"
  diff::ClusterSchema from;
  diff::ClusterSchema to;
  std::vector<diff::Change> changes;  // what turns `from` into `to`
};

Result<BranchDiff> diff_branch(Context& ctx, const DiffOptions& options);

}  // namespace velo::core
