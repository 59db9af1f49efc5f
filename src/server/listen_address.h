// Where `velo serve` listens: HOST:PORT as given to --listen, and whether
// that address reaches beyond this machine (then TLS or an explicit
// --insecure-listen is required, since branches hold production data).
#pragma once

#include <string>

#include "util/result.h"

namespace velo::server {

inline constexpr const char* kDefaultListen = "127.0.0.1:7780";

struct ListenAddress {
  std::string host;  // an IPv4 or IPv6 literal, or "localhost"
  int port = 0;
};

// "127.0.0.1:7780", "[::1]:7780", "localhost:7780", "0.0.0.0:80".
Result<ListenAddress> parse_listen_address(const std::string& text);

// 127.0.0.0/8, ::1 and "localhost": reachable from this machine only.
bool is_loopback(const std::string& host);

}  // namespace velo::server
