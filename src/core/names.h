// Project and branch names: [a-z0-9][a-z0-9_-]{0,62}. They become parts
// of dataset, directory and container names, so nothing else gets in.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::core {

struct BranchName {
  std::string project;
  std::string branch;
  std::string full() const { return project + "/" + branch; }
};

// `text` for an error message: control characters escaped (\x0a), so
// that the message stays one line whatever the user typed.
std::string printable(const std::string& text);

Status validate_name(const std::string& what, const std::string& name);
// "PROJECT/BRANCH" -> parts; Invalid for anything else.
Result<BranchName> parse_branch_name(const std::string& text);

}  // namespace velo::core
