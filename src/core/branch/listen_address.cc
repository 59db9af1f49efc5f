#include "core/branch/listen_address.h"

#include <arpa/inet.h>

namespace velo::core {

Status validate_listen_address(const std::string& address) {
  if (address == "*") return Status::Ok();
  unsigned char buffer[sizeof(in6_addr)];
  if (::inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
      ::inet_pton(AF_INET6, address.c_str(), buffer) == 1) {
    return Status::Ok();
  }
  return make_error(
      ErrorKind::Invalid,
      "--listen: '{}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1, or * for all)", address);
}

}  // namespace velo::core
