#include "server/api_token.h"

#include "core/secrets.h"
#include "util/fs.h"

namespace velo::server {
namespace {

// "velo_" tells a leaked token's origin to a secret scanner.
constexpr const char* kPrefix = "velo_";

}  // namespace

std::string token_path(const std::string& home) { return home + "/api-token"; }

Result<std::string> read_token(const std::string& home) {
  VELO_ASSIGN_OR_RETURN(auto text, read_file(token_path(home)));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.size() < 20) {
    return make_error(ErrorKind::Invalid, "{} holds no valid token: run 'velo token rotate'",
                      token_path(home));
  }
  return text;
}

Result<std::string> ensure_token(const std::string& home) {
  if (path_exists(token_path(home))) return read_token(home);
  return rotate_token(home);
}

Result<std::string> rotate_token(const std::string& home) {
  VELO_ASSIGN_OR_RETURN(auto secret, core::generate_password());
  std::string token = kPrefix + secret;
  VELO_TRY(write_file_atomic(token_path(home), token + "\n", 0600));
  return token;
}

bool token_matches(const std::string& expected, const std::string& given) {
  // Every byte of the longer one is looked at; a length difference still
  // fails, without an early return.
  const size_t length = std::max(expected.size(), given.size());
  unsigned char diff = expected.size() == given.size() ? 0 : 1;
  for (size_t i = 0; i < length; ++i) {
    const unsigned char a = i < expected.size() ? expected[i] : 0;
    const unsigned char b = i < given.size() ? given[i] : 0;
    diff |= a ^ b;
  }
  return diff == 0 && !expected.empty();
}

}  // namespace velo::server
