#include "server/http_error.h"

namespace velo::server {

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Invalid:
      return 400;
    case ErrorKind::NotFound:
      return 404;
    case ErrorKind::Conflict:
    case ErrorKind::Declined:
      return 409;
    case ErrorKind::Busy:
    case ErrorKind::Timeout:
    case ErrorKind::Unavailable:
    case ErrorKind::Interrupted:
      return 503;
    case ErrorKind::Io:
    case ErrorKind::ChildExit:
      return 500;
  }
  return 500;
}

std::string kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Invalid:
      return "invalid";
    case ErrorKind::NotFound:
      return "not_found";
    case ErrorKind::Conflict:
      return "conflict";
    case ErrorKind::Declined:
      return "declined";
    case ErrorKind::Busy:
      return "busy";
    case ErrorKind::Timeout:
      return "timeout";
    case ErrorKind::Unavailable:
      return "unavailable";
    case ErrorKind::Interrupted:
      return "interrupted";
    case ErrorKind::Io:
    case ErrorKind::ChildExit:
      return "io";
  }
  return "internal";
}

nlohmann::json error_body(const std::string& kind, const std::string& message) {
  return {{"error", {{"kind", kind}, {"message", message}}}};
}

nlohmann::json error_body(const Error& error) {
  return error_body(kind_name(error.kind), error.message);
}

}  // namespace velo::server
