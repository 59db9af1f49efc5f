// An enum that loses a value cannot be altered in place, and cannot be
// dropped while columns use it: it is renamed aside, created anew, its
// columns are converted through text (a value that no longer exists makes
// that fail, which is the EnumValueRemoval hazard), and the old type is
// dropped. Defaults are dropped before and set after, since they name the
// old type.
#pragma once

#include <vector>

#include "diff/model.h"
#include "diff/plan.h"

namespace velo::diff {

// The statements that turn enum `from` into `to` while `columns` (as they
// are in the target schema) use it.
std::vector<Statement> rebuild_enum(const Object& from, const Object& to,
                                    const std::vector<const Object*>& columns);

}  // namespace velo::diff
