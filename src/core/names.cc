#include "core/names.h"

#include <fmt/format.h>

#include <regex>

namespace velo::core {

std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

Status validate_name(const std::string& what, const std::string& name) {
  static const std::regex pattern("[a-z0-9][a-z0-9_-]{0,62}");
  if (!std::regex_match(name, pattern)) {
    return make_error(ErrorKind::Invalid,
                      "invalid {} name '{}': use 1-63 of a-z, 0-9, '_' and '-', starting with a "
                      "letter or digit",
                      what, printable(name));
  }
  return Status::Ok();
}

Result<BranchName> parse_branch_name(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) {
    return make_error(ErrorKind::Invalid, "invalid branch '{}': expected PROJECT/BRANCH",
                      printable(text));
  }
  BranchName name{text.substr(0, slash), text.substr(slash + 1)};
  if (name.branch.find('/') != std::string::npos) {
    return make_error(ErrorKind::Invalid, "invalid branch '{}': expected PROJECT/BRANCH",
                      printable(text));
  }
  VELO_TRY(validate_name("project", name.project));
  VELO_TRY(validate_name("branch", name.branch));
  return name;
}

}  // namespace velo::core
