// Applying a rehearsed plan to the target: its statements in one
// transaction per database, each transaction with a lock_timeout, all
// committed together at the end. A statement that cannot run in a
// transaction (CREATE/DROP DATABASE) commits what came before it, runs on
// its own, and is reported.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "diff/plan.h"

namespace velo::core {

struct ApplyOptions {
  // How long a statement waits for a lock before the merge gives up (and
  // rolls back) rather than queueing every query of the table behind it.
  std::chrono::milliseconds lock_timeout = std::chrono::milliseconds(5000);
};

struct ApplyReport {
  double ms = 0;
  // The statements run outside a transaction, in order.
  std::vector<std::string> outside_transaction;
};

// On failure, every open transaction is rolled back; `partly_committed`
// says whether something was committed before (a statement outside a
// transaction, and what it committed first): then only the pre-merge
// snapshot holds the target's earlier state.
Result<ApplyReport> apply_plan(Context& ctx, BranchHandle& target, const diff::Plan& plan,
                               const ApplyOptions& options, bool& partly_committed);

}  // namespace velo::core
