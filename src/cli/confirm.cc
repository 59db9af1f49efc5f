#include "cli/confirm.h"

#include <fmt/format.h>
#include <unistd.h>

namespace velo::cli {

bool interactive_terminal() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

Status confirm(const std::string& question, const std::string& what, bool yes) {
  if (yes) return Status::Ok();
  return confirm(question, what, interactive_terminal(), stdin, stderr);
}

Status confirm(const std::string& question, const std::string& what, bool interactive,
               std::FILE* in, std::FILE* out) {
  if (!interactive) return Status::Ok();
  fmt::print(out, "{} [y/N] ", question);
  std::fflush(out);
  char answer[16] = {};
  bool yes =
      std::fgets(answer, sizeof answer, in) != nullptr && (answer[0] == 'y' || answer[0] == 'Y');
  if (yes) return Status::Ok();
  return make_error(ErrorKind::Declined,
                    "not confirmed: {} left as it was (--yes skips the question)", what);
}

}  // namespace velo::cli
