// The bearer token of velo serve's API: one per home, in HOME/api-token
// (0600, written atomically), made by `velo init` or the first
// `velo serve`, replaced by `velo token rotate`.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::server {

std::string token_path(const std::string& home);

// The token HOME/api-token holds (Invalid when it holds none).
Result<std::string> read_token(const std::string& home);
// The home's token, made now if it has none.
Result<std::string> ensure_token(const std::string& home);
// A new token; the old one stops working at once in a running server,
// which reads the file again when a request's token does not match.
Result<std::string> rotate_token(const std::string& home);

// Whether `given` is `expected`, in time that depends on neither's
// content, so that a client cannot guess the token byte by byte.
bool token_matches(const std::string& expected, const std::string& given);

}  // namespace velo::server
