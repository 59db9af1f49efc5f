// The rehearsal of a merge: the plan run on a scratch server cloned from
// the target as it is now (its real data), statement by statement, each
// measured (time, the locks it took on existing relations, the tables it
// rewrote); then the result compared with the schema the merge must give.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "diff/model.h"
#include "diff/plan.h"

namespace velo::core {

struct StatementRun {
  std::string database{};
  std::string sql{};
  bool transactional = true;
  double ms = 0;
  std::vector<std::string> exclusive_locks{};  // relations it held ACCESS EXCLUSIVE
  std::vector<std::string> rewritten{};        // tables whose files it replaced
};

struct Rehearsal {
  std::vector<StatementRun> statements;
  double clone_ms = 0;  // snapshot, clone and start of the scratch server
  double run_ms = 0;    // the statements
  double check_ms = 0;  // reading and comparing the result
  // Hazards only the rehearsal shows (a long ACCESS EXCLUSIVE lock, a
  // rewrite the planner did not foresee), on the statement's index.
  std::vector<std::pair<size_t, diff::Hazard>> hazards;
};

struct RehearsalOptions {
  // An ACCESS EXCLUSIVE lock held longer than this is a hazard.
  std::chrono::milliseconds lock_threshold = std::chrono::milliseconds(1000);
};

// Invalid (exit 2) when a statement fails on the target's data, naming it
// and PostgreSQL's reason; Conflict when the result differs from
// `expected`. The target itself is never touched.
Result<Rehearsal> rehearse(Context& ctx, BranchHandle& target, const diff::Plan& plan,
                           const diff::ClusterSchema& expected, const RehearsalOptions& options);

nlohmann::json to_json(const Rehearsal& rehearsal);

}  // namespace velo::core
