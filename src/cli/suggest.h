// "Did you mean": the known name nearest to a mistyped one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace velo::cli {

// The edits that turn `a` into `b`: inserting, deleting or replacing a
// letter, or swapping two neighbours ("brnach" is one edit from "branch").
size_t edit_distance(std::string_view a, std::string_view b);

// The name in `names` nearest to `typed` when it is near enough to be a
// typo of it: at most one edit per three letters typed, never more than
// two. Ties go to the earlier name.
std::optional<std::string> nearest_name(std::string_view typed,
                                        const std::vector<std::string>& names);

}  // namespace velo::cli
