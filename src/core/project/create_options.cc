#include "core/project/create_options.h"

#include <regex>

#include "core/names.h"

namespace velo::core {
namespace {

// A Docker image reference as the engine reads one
// ([registry[:port]/]name[:tag][@digest]), loosely: its characters and
// length, so that nothing else reaches the engine's API.
bool plausible_image(const std::string& image) {
  static const std::regex pattern("[a-z0-9][a-zA-Z0-9._/:@-]{0,254}");
  return std::regex_match(image, pattern);
}

}  // namespace

Status validate_project_options(const CreateProjectOptions& options) {
  VELO_TRY(validate_name("project", options.name));
  if (!std::regex_match(options.pg_version, std::regex("[1-9][0-9]?"))) {
    return make_error(ErrorKind::Invalid,
                      "invalid PostgreSQL version '{}': expected a major version such as 15",
                      printable(options.pg_version));
  }
  if (options.runtime != "native" && options.runtime != "docker") {
    return make_error(ErrorKind::Invalid, "unknown runtime '{}': use native or docker",
                      printable(options.runtime));
  }
  if (!options.image.empty() && options.runtime != "docker") {
    return make_error(ErrorKind::Invalid,
                      "--image goes with --runtime docker (the {} runtime runs the host's "
                      "PostgreSQL)",
                      printable(options.runtime));
  }
  if (!options.image.empty() && !plausible_image(options.image)) {
    return make_error(ErrorKind::Invalid,
                      "invalid --image '{}': expected a Docker image such as postgres:15",
                      printable(options.image));
  }
  if (options.archive_timeout_s < 1 || options.archive_timeout_s > 86400) {
    return make_error(ErrorKind::Invalid,
                      "invalid --archive-timeout {}: expected 1 to 86400 seconds",
                      options.archive_timeout_s);
  }
  return Status::Ok();
}

}  // namespace velo::core
