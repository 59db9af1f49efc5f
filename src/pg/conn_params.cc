#include "pg/conn_params.h"

namespace velo::pg {
namespace {

// RFC 3986 unreserved characters pass; everything else is %XX.
std::string percent_encode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string to_url(const ConnParams& params, bool with_password) {
  std::string url = "postgres://" + percent_encode(params.user);
  if (with_password && !params.password.empty()) url += ":" + percent_encode(params.password);
  // An IPv6 literal needs brackets to keep its colons apart from the port.
  bool ipv6 = params.host.find(':') != std::string::npos;
  // A unix socket directory is percent-encoded, as libpq reads it back.
  std::string host = params.host.rfind('/', 0) == 0 ? percent_encode(params.host) : params.host;
  url += "@" + (ipv6 ? "[" + host + "]" : host);
  url += ":" + std::to_string(params.port) + "/" + percent_encode(params.dbname);
  return url;
}

}  // namespace velo::pg
