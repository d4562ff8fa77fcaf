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

// Goal: the in-memory network's ports are numbers only: a declared port is itself, an anonymous one
// the next number not held (a declared one is skipped), and nothing is bound on the machine.
TEST(PortMap, InMemoryPortsAreNumbersAndBindNothing) {
  PortMap ports{PortMap::InMemory{}};
  EXPECT_EQ(ports.map(3000), 3000);
  EXPECT_EQ(ports.map(PortMap::kFirstInMemoryAnonymous + 1), PortMap::kFirstInMemoryAnonymous + 1);
  EXPECT_EQ(ports.reserve_anonymous(), PortMap::kFirstInMemoryAnonymous);
  EXPECT_EQ(ports.reserve_anonymous(), PortMap::kFirstInMemoryAnonymous + 2);  // +1 is declared
  EXPECT_EQ(ports.reserved_fd(3000), -1);
  EXPECT_EQ(ports.reserved_fd(PortMap::kFirstInMemoryAnonymous), -1);
  ports.release_anonymous(PortMap::kFirstInMemoryAnonymous);
  EXPECT_EQ(ports.declared_for(3000), 3000);
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

// Goal: a held port cannot be bound by anyone else, so parallel runs never collide; nor is it handed
// out by bind(0).
TEST(PortMap, HeldPortCannotBeBoundElsewhere) {
  PortMap ports;
  uint16_t p = ports.map(80);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(p);
  EXPECT_NE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  for (int i = 0; i < 200; ++i) {
    int any = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(any, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(any, reinterpret_cast<sockaddr*>(&a), &len);
    EXPECT_NE(ntohs(a.sin_port), p);
    ::close(any);
  }
}

// Goal: a port can be listened on again while its earlier connections sit in TIME_WAIT, as when a
// color is brought up a second time.
TEST(PortMap, RelistensWhileConnectionsAreInTimeWait) {
  PortMap ports;
  uint16_t p = ports.map(3000);
  PortListener listener(ports, p);
  int fd = listener.start();
  // Accept a connection and close it from the server side first: the server side enters TIME_WAIT.
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(p);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  int accepted = ::accept(fd, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  ::close(accepted);
  char byte;
  EXPECT_EQ(::read(client, &byte, 1), 0);
  ::close(client);
  listener.stop();
  ::close(fd);
  fd = listener.start();
  EXPECT_EQ(try_connect(p), 0);
  listener.stop();
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

// Goal: a container's address, once named as itself, maps to itself and outlives its container.
TEST(PortMap, AnAddressMappedToItselfStaysHeldAfterRelease) {
  PortMap ports;
  uint16_t address = ports.reserve_anonymous();
  ports.map_to_itself(address);
  EXPECT_EQ(ports.map(address), address);
  ports.release_anonymous(address);
  EXPECT_GE(ports.reserved_fd(address), 0);
  EXPECT_EQ(try_connect(address), ECONNREFUSED);           // held, nothing listens: a stale address refuses
  EXPECT_THROW(ports.map_to_itself(1), std::logic_error);  // not held by this run
}

// Goal: a process inside a container listens on its container's address (held by the run's map),
// reaches other containers by their addresses, and its `localhost:<port>` is its own container's
// loopback, not the host's: a port of its own where nothing listens, never the host's mapping.
TEST(PortMap, AContainersMapListensOnItsAddressAndKeepsItsOwnLoopback) {
  PortMap run;
  const uint16_t host_3000 = run.map(3000);
  const uint16_t own_address = run.reserve_anonymous();
  run.map_to_itself(own_address);
  const uint16_t other_container = run.reserve_anonymous();
  run.map_to_itself(other_container);

  PortMap inside(run, {{80, own_address}});
  EXPECT_EQ(inside.map(80), own_address);
  EXPECT_EQ(inside.declared_for(own_address), 80);
  EXPECT_EQ(inside.map(other_container), other_container);
  const uint16_t localhost_3000 = inside.map(3000);
  EXPECT_NE(localhost_3000, host_3000);
  EXPECT_EQ(inside.map(3000), localhost_3000);
  EXPECT_EQ(run.reserved_fd(localhost_3000), -1);  // the container's, not the run's
  EXPECT_EQ(try_connect(localhost_3000), ECONNREFUSED);

  // Listening on port 80 inside is listening on the container's address.
  PortListener listener(inside, inside.map(80));
  int fd = listener.start();
  EXPECT_EQ(try_connect(own_address), 0);
  listener.stop();
  ::close(fd);
  EXPECT_EQ(try_connect(own_address), ECONNREFUSED);
}

// Goal: a container's own map (a process inside a container): its declared ports are the
// container's address, held by the run's map, so a listener inside binds the address the run
// publishes; another container's address is reached as it is; any other port is the container's
// own loopback, a fresh port the run's map does not hold, so `localhost:3000` inside refuses even
// while the host's 3000 listens.
TEST(PortMap, AContainersOwnMapKeepsItsLoopbackApart) {
  PortMap run;
  const uint16_t nginx_address = run.reserve_anonymous();
  run.map_to_itself(nginx_address);
  const uint16_t app_address = run.reserve_anonymous();
  run.map_to_itself(app_address);
  const uint16_t host_3000 = run.map(3000);
  PortMap inside(run, {{80, nginx_address}});

  EXPECT_EQ(inside.map(80), nginx_address);
  EXPECT_EQ(inside.reserved_fd(nginx_address), run.reserved_fd(nginx_address));  // held outside
  EXPECT_GE(inside.reserved_fd(nginx_address), 0);
  EXPECT_EQ(inside.map(app_address), app_address);  // another container, by its address
  EXPECT_TRUE(run.is_address(app_address));
  EXPECT_FALSE(run.is_address(host_3000));

  const uint16_t own_3000 = inside.map(3000);
  EXPECT_NE(own_3000, host_3000);
  EXPECT_EQ(inside.map(3000), own_3000);  // the same port every time
  EXPECT_GE(inside.reserved_fd(own_3000), 0);
  EXPECT_EQ(run.reserved_fd(own_3000), -1);  // the container's, not the run's
  EXPECT_EQ(run.lookup(3000), host_3000);    // the run's 3000 is untouched

  PortListener host_app(run, host_3000);
  int host_fd = host_app.start();
  EXPECT_EQ(try_connect(host_3000), 0);
  EXPECT_EQ(try_connect(own_3000), ECONNREFUSED);
  // nginx listening on its port 80 inside is reached at the container's address from outside.
  PortListener nginx(inside, inside.map(80));
  int nginx_fd = nginx.start();
  EXPECT_EQ(try_connect(nginx_address), 0);
  nginx.stop();
  ::close(nginx_fd);
  EXPECT_EQ(try_connect(nginx_address), ECONNREFUSED);
  host_app.stop();
  ::close(host_fd);
}

}  // namespace bg::core
