// velo's error kinds as HTTP statuses, and the one error body the API
// answers with: {"error": {"kind": "not_found", "message": "..."}}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "util/result.h"

namespace velo::server {

// Invalid 400, NotFound 404, Conflict and Declined 409, Busy, Timeout,
// Unavailable and Interrupted 503, the rest 500.
int http_status(ErrorKind kind);
// "invalid", "not_found", ... as the body names it.
std::string kind_name(ErrorKind kind);

nlohmann::json error_body(const std::string& kind, const std::string& message);
nlohmann::json error_body(const Error& error);

}  // namespace velo::server
