#include "fakes/docker/port_publisher.h"

#include <gtest/gtest.h>

#include "fakes/docker/docker_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;

using test_support::EchoProcess;
using test_support::IoThread;
using test_support::probe;

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
    ASSERT_TRUE(test_support::wait_until(
        clock, [&] { return app->listening(); }, 20s, "the app to listen"));
  }
};

// Goal: docker-proxy listens before the app: a client connects and gets EOF with no data
// (race R02); once the app listens bytes flow both ways; after stop() connects are refused.
TEST(PortPublisher, AcceptsThenClosesUntilAppListensThenSplicesThenRefuses) {
  Fixture f;
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  auto publisher = PortPublisher::create(f.io.io(), f.ports, f.host, f.container, {});
  publisher->start();

  test_support::Probe early = probe(f.host, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(early.connected);
  EXPECT_TRUE(early.eof);
  EXPECT_EQ(early.data, "");

  f.start_app();
  test_support::Probe served = probe(f.host, "hello through docker-proxy");
  EXPECT_TRUE(served.connected);
  EXPECT_EQ(served.data, "hello through docker-proxy");
  EXPECT_TRUE(served.eof);  // the half-close travelled to the app and back

  publisher->stop();
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  EXPECT_TRUE(
      test_support::wait_until([&] { return publisher->closed(); }, std::chrono::seconds(2), "the publisher to close"));
  EXPECT_EQ(publisher->open_connections(), 0u);
}

// Goal: stop() cuts connections being forwarded (the endpoint is gone), not only new ones.
TEST(PortPublisher, StopClosesOpenConnections) {
  Fixture f;
  auto publisher = PortPublisher::create(f.io.io(), f.ports, f.host, f.container, {});
  publisher->start();
  f.start_app();
  int fd = test_support::connect_to(f.host);
  ASSERT_GE(fd, 0);
  ::send(fd, "x", 1, MSG_NOSIGNAL);
  char c;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_EQ(::recv(fd, &c, 1, 0), 1);  // forwarded and echoed: the session is open
  publisher->stop();
  ASSERT_TRUE(
      test_support::wait_until([&] { return publisher->closed(); }, std::chrono::seconds(2), "the publisher to close"));
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
  // Over several probe intervals (500 ms scenario, 5 ms real; the publisher probes every 1 ms) with
  // the app not listening, every connect is refused.
  EXPECT_TRUE(test_support::holds_for(
      f.clock, [&] { return probe(f.host).connect_errno == ECONNREFUSED; }, 500ms,
      "the host port to refuse before the app listens", 50ms));
  f.start_app();
  test_support::Probe served;
  EXPECT_TRUE(test_support::wait_until(
      f.clock, [&] { return !(served = probe(f.host, "ping")).data.empty(); }, 10s, "the app's echo through the port"));
  EXPECT_EQ(served.data, "ping");
  publisher->stop();
  EXPECT_EQ(probe(f.host).connect_errno, ECONNREFUSED);
  EXPECT_TRUE(
      test_support::wait_until([&] { return publisher->closed(); }, std::chrono::seconds(2), "the publisher to close"));
}

}  // namespace
}  // namespace bg::fakes
