#include "core/secrets.h"

#include <sys/random.h>

#include <array>
#include <cerrno>

namespace velo::core {

Result<std::string> generate_password() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr size_t kLength = 32;
  std::string password;
  while (password.size() < kLength) {
    std::array<unsigned char, 64> bytes{};
    ssize_t got = getrandom(bytes.data(), bytes.size(), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::Io, "getrandom failed");
    }
    for (ssize_t i = 0; i < got && password.size() < kLength; ++i) {
      // 62 * 4 = 248: reject the top bytes so every character is equally likely.
      if (bytes[i] < 248) password.push_back(kAlphabet[bytes[i] % 62]);
    }
  }
  return password;
}

}  // namespace velo::core
