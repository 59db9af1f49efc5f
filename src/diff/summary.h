// Changes, plans and conflicts for people (one line per database) and for
// programs (JSON).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/plan.h"
#include "diff/three_way.h"

namespace velo::diff {

// One line per database, databases in order: "app: +2 tables, ~3 columns,
// -1 index" (+ created, - dropped, ~ altered; kinds in the order of their
// first change). "" for no changes.
std::string summarize(const std::vector<Change>& changes);

// [{"database", "kind", "identity", "action", "old_definition",
//   "new_definition", "hazards": [{"kind", "reason"}]}]
nlohmann::json to_json(const std::vector<Change>& changes);
// [{"database", "sql", "transactional", "hazards"}]
nlohmann::json to_json(const Plan& plan);
// [{"database", "kind", "identity", "ours", "theirs"}]
nlohmann::json to_json(const std::vector<Conflict>& conflicts);

}  // namespace velo::diff
