#include "core/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace velo::core {
namespace {

bool bindable(int port, in_addr_t address) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  // As PostgreSQL binds its own: connections of an earlier server on this
  // port lingering in TIME_WAIT do not make it taken, a listener does.
  int on = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = address;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool port_is_bindable(int port) {
  return bindable(port, htonl(INADDR_LOOPBACK)) && bindable(port, htonl(INADDR_ANY));
}

Result<int> pick_port(Context& ctx, const PortProbe& probe) {
  VELO_ASSIGN_OR_RETURN(auto used_list, ctx.store.used_ports());
  std::set<int64_t> used(used_list.begin(), used_list.end());
  for (int port = ctx.config.port_min; port <= ctx.config.port_max; ++port) {
    if (used.count(port) == 0 && probe(port)) return port;
  }
  return make_error(ErrorKind::Unavailable,
                    "no free port left in {}-{} (see velo init --port-range)", ctx.config.port_min,
                    ctx.config.port_max);
}

}  // namespace velo::core
