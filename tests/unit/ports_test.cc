// Whether a port is free for a branch's server: a listener takes it; the
// connections an earlier server on it left in TIME_WAIT do not (PostgreSQL
// binds with SO_REUSEADDR, so velo must count the port as free too).
#include "core/ports.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace velo::core {
namespace {

int listener(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  ::listen(fd, 4);
  return fd;
}

TEST(PortsTest, AListenerTakesThePort) {
  int port = 0;
  int fd = listener(&port);
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(port_is_bindable(port));
  ::close(fd);
  EXPECT_TRUE(port_is_bindable(port));
}

TEST(PortsTest, ConnectionsLeftInTimeWaitDoNotTakeThePort) {
  int port = 0;
  int server = listener(&port);
  ASSERT_GE(server, 0);
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  int accepted = ::accept(server, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  // The server side closes first, as PostgreSQL does when a session ends:
  // its end of the connection, on `port`, waits in TIME_WAIT.
  ::close(accepted);
  char byte;
  (void)::read(client, &byte, 1);  // EOF: the server's FIN arrived
  ::close(client);
  ::close(server);
  EXPECT_TRUE(port_is_bindable(port));
}

}  // namespace
}  // namespace velo::core
