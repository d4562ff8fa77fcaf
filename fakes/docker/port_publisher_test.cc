#include "fakes/docker/port_publisher.h"

#include <gtest/gtest.h>

#include "fakes/docker/test_support.h"

namespace bg::fakes {
namespace {

using testing::EchoProcess;
using testing::IoThread;
using testing::probe;

struct Fixture {
  core::ScaledClock clock{0.01};
  core::PortMap ports;
  IoThread io;
  uint16_t host = ports.map(3000);
  uint16_t container = ports.reserve_anonymous();
  std::unique_ptr<EchoProcess> app;

  void start_app() {
    ProcessSpec spec;
    spec.container_port = container;
    app = std::make_unique<EchoProcess>(io.io(), ports, clock, spec, EchoProcess::Behaviour{});
    app->on_exit = [](int) {};
    app->start();
    for (int i = 0; i < 200 && !app->listening(); ++i) clock.sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(app->listening());
  }
};

// Goal: docker-proxy listens before the app: a client connects and gets EOF with no data
// (race R02); once the app listens bytes flow both ways; after stop() connects are refused.
TEST(PortPublisher, AcceptsThenClosesUntilAppListensThenSplicesThenRefuses) {
  Fixture f;
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  auto publisher = PortPublisher::create(f.io.io(), f.ports, f.host, f.container, {});
  publisher->start();

  testing::Probe early = probe(f.host, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(early.connected);
  EXPECT_TRUE(early.eof);
  EXPECT_EQ(early.data, "");

  f.start_app();
  testing::Probe served = probe(f.host, "hello through docker-proxy");
  EXPECT_TRUE(served.connected);
  EXPECT_EQ(served.data, "hello through docker-proxy");
  EXPECT_TRUE(served.eof);  // the half-close travelled to the app and back

  publisher->stop();
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  EXPECT_TRUE(publisher->wait_closed(std::chrono::seconds(2)));
  EXPECT_EQ(publisher->open_connections(), 0u);
}

// Goal: stop() cuts connections being forwarded (the endpoint is gone), not only new ones.
TEST(PortPublisher, StopClosesOpenConnections) {
  Fixture f;
  auto publisher = PortPublisher::create(f.io.io(), f.ports, f.host, f.container, {});
  publisher->start();
  f.start_app();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(f.host);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::send(fd, "x", 1, MSG_NOSIGNAL);
  char c;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_EQ(::recv(fd, &c, 1, 0), 1);  // forwarded and echoed: the session is open
  publisher->stop();
  ASSERT_TRUE(publisher->wait_closed(std::chrono::seconds(2)));
  EXPECT_LE(::recv(fd, &c, 1, 0), 0);  // EOF or reset, not a hang
  ::close(fd);
}

// Goal: with userland_proxy=false the host port refuses until the app listens (no accept-then-
// close window), then forwards.
TEST(PortPublisher, WithoutUserlandProxyRefusesUntilAppListens) {
  Fixture f;
  PortPublisher::Options options;
  options.userland_proxy = false;
  options.probe_interval = std::chrono::milliseconds(1);
  auto publisher = PortPublisher::create(f.io.io(), f.ports, f.host, f.container, options);
  publisher->start();
  f.clock.sleep_for(std::chrono::milliseconds(500));  // several probe intervals
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  f.start_app();
  testing::Probe served;
  for (int i = 0; i < 100 && served.data.empty(); ++i) {
    served = probe(f.host, "ping");
    if (served.data.empty()) f.clock.sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(served.data, "ping");
  publisher->stop();
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  EXPECT_TRUE(publisher->wait_closed(std::chrono::seconds(2)));
}

}  // namespace
}  // namespace bg::fakes
