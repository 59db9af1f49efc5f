#include "server/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace velo::server {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

Result<ListenAddress> parse_listen_address(const std::string& text) {
  auto bad = [&](const char* why) {
    return make_error(ErrorKind::Invalid, "--listen {}: {} (expected HOST:PORT, e.g. {})", text,
                      why, kDefaultListen);
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("no host and port");
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']') return bad("an IPv6 address needs its closing ]");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return bad("write an IPv6 address in brackets, [::1]:7780");
  }
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    return bad("the port must be a number from 1 to 65535");
  }
  if (host != "localhost" && !is_ip_literal(host)) {
    return bad("the host must be an IP address or localhost");
  }
  return ListenAddress{host, port};
}

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  return false;
}

}  // namespace velo::server
