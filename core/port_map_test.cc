#include "core/port_map.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace bg::core {
namespace {

// Returns 0 when a connection to 127.0.0.1:port succeeds, else errno.
int try_connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = rc == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

// Goal: a mapped port refuses while nobody serves on it, accepts while a PortListener listens, and
// refuses again after stop() — without the run ever giving the port up.
TEST(PortMap, ListenerTogglesBetweenRefusingAndAccepting) {
  PortMap ports;
  uint16_t p = ports.map(3000);
  EXPECT_EQ(ports.map(3000), p);
  EXPECT_EQ(ports.declared_for(p), 3000);
  EXPECT_EQ(try_connect(p), ECONNREFUSED);

  PortListener listener(ports, p);
  int fd = listener.start();
  EXPECT_EQ(try_connect(p), 0);
  listener.stop();
  ::close(fd);
  EXPECT_EQ(try_connect(p), ECONNREFUSED);

  // And again, as when a color is brought up a second time.
  fd = listener.start();
  EXPECT_EQ(try_connect(p), 0);
  listener.stop();
  ::close(fd);
}

// Goal: a held port cannot be bound by anyone else, so parallel runs never collide.
TEST(PortMap, HeldPortCannotBeBoundElsewhere) {
  PortMap ports;
  uint16_t p = ports.map(80);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(p);
  EXPECT_NE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
}

TEST(PortMap, DistinctDeclaredPortsGetDistinctActualPorts) {
  PortMap ports;
  EXPECT_NE(ports.map(3000), ports.map(3001));
  uint16_t anon = ports.reserve_anonymous();
  EXPECT_GE(ports.reserved_fd(anon), 0);
  ports.release_anonymous(anon);
  EXPECT_EQ(ports.reserved_fd(anon), -1);
}

}  // namespace bg::core
