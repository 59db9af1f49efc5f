// DDL that turns one cluster schema into another, ordered by the objects'
// dependencies: dependents dropped before what they need, created after
// it; an object that cannot be altered in place is dropped and created,
// and so are the views, policies and triggers over it.
#pragma once

#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/hazard.h"
#include "diff/model.h"

namespace velo::diff {

struct Statement {
  // The database to run in; "" for CREATE/DROP DATABASE, which run from
  // any other database (e.g. postgres).
  std::string database{};
  std::string sql{};  // one statement, without a terminating semicolon
  // false: must run outside a transaction block (CREATE/DROP DATABASE,
  // ALTER TYPE ... ADD VALUE whose value later statements may use).
  bool transactional = true;
  std::vector<Hazard> hazards{};
};

struct Plan {
  std::vector<Statement> statements;
};

// The statements for `changes` (from diff(from, to) or a part of it), in an
// order that the server accepts, with the changes' hazards on the
// statements that carry them out. Objects not in `changes` but dropped and
// recreated around one (a view over a column whose type changes) are
// taken from `from` and `to`.
Plan plan(const std::vector<Change>& changes, const ClusterSchema& from, const ClusterSchema& to);

}  // namespace velo::diff
