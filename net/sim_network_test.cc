// The in-memory network on a VirtualClock, driven by run_until (no actor threads): what only it
// has (drawn latency, order, determinism, Beast over it); its TCP behaviour is checked against the
// kernel's in sim_network_differential_test.cc.
#include "net/sim_socket.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/virtual_clock.h"
#include "net/blocking_probe.h"

namespace bg::net {
namespace {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using namespace std::chrono_literals;

const asio::ip::tcp::endpoint kPort(uint16_t port) { return {asio::ip::address_v4::loopback(), port}; }

// One network on a virtual clock that runs the io_context's handlers itself.
struct Net {
  explicit Net(uint64_t seed = 1) : network(clock, core::Rng(seed)) { clock.attach(io); }
  void run(core::Duration span = 1s) { clock.run_until(clock.now() + span); }

  core::VirtualClock clock;
  asio::io_context io;
  SimNetwork network;
};

// What an operation ended with, and when.
struct Outcome {
  std::optional<error_code> ec;
  std::size_t bytes = 0;
  core::Time at{};
};

auto record(Net& n, Outcome& out) {
  return [&n, &out](error_code ec, std::size_t bytes = 0) {
    out.ec = ec;
    out.bytes = bytes;
    out.at = n.clock.now();
  };
}

// A connected pair: a listener on 3000, a client connected to it, the accepted server side.
struct Pair {
  explicit Pair(Net& n) : acceptor(n.io.get_executor(), n.network), client(n.io.get_executor(), n.network) {
    error_code ec;
    acceptor.listen(3000, ec);
    EXPECT_FALSE(ec);
    acceptor.async_accept([this](error_code ec, SimSocket s) {
      EXPECT_FALSE(ec);
      server.emplace(std::move(s));
    });
    Outcome connected;
    client.async_connect(kPort(3000), record(n, connected));
    n.run();
    EXPECT_EQ(connected.ec, error_code());
    EXPECT_TRUE(server.has_value());
  }
  SimAcceptor acceptor;
  SimSocket client;
  std::optional<SimSocket> server;
};

// Goal: nobody listens, so the connect is refused, after the SYN's and the RST's latency.
TEST(SimNetwork, AConnectToAPortNobodyListensOnIsRefused) {
  Net n;
  SimSocket s(n.io.get_executor(), n.network);
  Outcome out;
  s.async_connect(kPort(3000), record(n, out));
  n.run();
  ASSERT_TRUE(out.ec);
  EXPECT_EQ(*out.ec, asio::error::connection_refused);
  // The SYN, the RST that answers it, and the wake-up of the waiting connect.
  const SimNetworkOptions o;
  EXPECT_GE(out.at, 2 * o.latency + o.wakeup);
  EXPECT_LE(out.at, 2 * (o.latency + o.jitter) + o.wakeup + o.wakeup_jitter);
}

// Answers one HTTP request on `port` with `status` and the body "served <target>".
struct OneAnswer {
  OneAnswer(Net& n, uint16_t port, http::status status)
      : acceptor(n.io.get_executor(), n.network), response{status, 11} {
    error_code ec;
    acceptor.listen(port, ec);
    EXPECT_FALSE(ec);
    acceptor.async_accept([this](error_code ec, SimSocket s) {
      EXPECT_FALSE(ec);
      server.emplace(std::move(s));
      http::async_read(*server, buffer, request, [this](error_code ec, std::size_t) {
        EXPECT_FALSE(ec);
        response.body() = "served " + std::string(request.target());
        response.prepare_payload();
        http::async_write(*server, response, [](error_code ec, std::size_t) { EXPECT_FALSE(ec); });
      });
    });
  }
  SimAcceptor acceptor;
  std::optional<SimSocket> server;
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
};

// Goal: Beast's HTTP read and write run over it unchanged; a seed gives the same instants on every
// run, another seed other ones (the latency is drawn).
core::Time http_round_trip(uint64_t seed, std::string& body) {
  Net n(seed);
  OneAnswer server(n, 3000, http::status::ok);
  SimSocket client(n.io.get_executor(), n.network);
  http::request<http::string_body> get{http::verb::get, "/api/ping", 11};
  boost::beast::flat_buffer client_buffer;
  http::response<http::string_body> answer;
  core::Time answered{};
  client.async_connect(kPort(3000), [&](error_code ec) {
    EXPECT_FALSE(ec);
    http::async_write(client, get, [&](error_code ec, std::size_t) {
      EXPECT_FALSE(ec);
      http::async_read(client, client_buffer, answer, [&](error_code ec, std::size_t) {
        EXPECT_FALSE(ec);
        answered = n.clock.now();
      });
    });
  });
  n.run();
  body = answer.body();
  return answered;
}

TEST(SimNetwork, BeastHttpRunsOverItAndASeedGivesTheSameInstants) {
  std::string body, again, other;
  const core::Time first = http_round_trip(7, body);
  EXPECT_EQ(body, "served /api/ping");
  EXPECT_GT(first, core::Time(0));
  EXPECT_EQ(http_round_trip(7, again), first);
  EXPECT_EQ(again, body);
  EXPECT_NE(http_round_trip(8, other), first);
}

// Goal: connections the kernel completed but nobody accepted are reset when the listener closes
// (an app that stops listening with requests in its backlog), and the port then refuses.
TEST(SimNetwork, ClosingAListenerResetsItsBacklogAndThePortRefuses) {
  Net n;
  SimAcceptor acceptor(n.io.get_executor(), n.network);
  error_code ec;
  acceptor.listen(3000, ec);
  SimSocket client(n.io.get_executor(), n.network);
  Outcome connected, read;
  client.async_connect(kPort(3000), record(n, connected));
  n.run();
  EXPECT_EQ(connected.ec, error_code());  // connected, though nobody accepted
  char byte;
  client.async_read_some(asio::buffer(&byte, 1), record(n, read));
  acceptor.close();
  EXPECT_FALSE(n.network.listening(3000));
  n.run();
  EXPECT_EQ(read.ec, error_code(asio::error::connection_reset));
  SimSocket late(n.io.get_executor(), n.network);
  Outcome refused;
  late.async_connect(kPort(3000), record(n, refused));
  n.run();
  EXPECT_EQ(refused.ec, error_code(asio::error::connection_refused));
}

// Goal: one direction's segments arrive in the order sent, whatever latency each drew.
TEST(SimNetwork, OneDirectionArrivesInOrder) {
  Net n(3);
  Pair p(n);
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    const std::string piece = std::to_string(i) + ",";
    expected += piece;
    p.client.async_write_some(asio::buffer(piece), [](error_code, std::size_t) {});
    n.clock.run_until(n.clock.now() + 10us);  // sends spread over less than one latency's jitter
  }
  std::string got(expected.size(), '\0');
  Outcome all;
  asio::async_read(*p.server, asio::buffer(got), record(n, all));
  n.run();
  EXPECT_EQ(got, expected);
}

// Goal: a pending read ends with operation_aborted on cancel() and on close(); a second listener on a
// port is refused.
TEST(SimNetwork, CancelAndCloseAbortAPendingReadAndAPortHasOneListener) {
  Net n;
  Pair p(n);
  char byte;
  Outcome cancelled, closed;
  p.client.async_read_some(asio::buffer(&byte, 1), record(n, cancelled));
  p.client.cancel();
  n.run();
  EXPECT_EQ(cancelled.ec, error_code(asio::error::operation_aborted));
  p.client.async_read_some(asio::buffer(&byte, 1), record(n, closed));
  error_code ignored;
  p.client.close(ignored);
  n.run();
  EXPECT_EQ(closed.ec, error_code(asio::error::operation_aborted));
  SimAcceptor second(n.io.get_executor(), n.network);
  error_code ec;
  second.listen(3000, ec);
  EXPECT_EQ(ec, error_code(asio::error::address_in_use));
}

// Goal: a thread waiting for a probe is an actor blocked in virtual time: an answer comes back at
// the instant the exchange ends, a refusal as nullopt, and a server that never answers ends the
// probe at its timeout to the microsecond.
TEST(SimNetwork, ABlockingProbeWaitsInVirtualTime) {
  Net n;
  OneAnswer server(n, 3000, http::status::service_unavailable);
  error_code ec;
  SimAcceptor silent(n.io.get_executor(), n.network);
  silent.listen(3001, ec);  // accepts (in the kernel's backlog) and never answers
  core::VirtualClock::Actor self(n.clock, 1);
  const Network network(n.network);
  EXPECT_EQ(blocking_http_get(network, n.io.get_executor(), n.clock, 3000, "/api/health", 5s), 503);
  EXPECT_GT(n.clock.now(), core::Time(0));
  EXPECT_LT(n.clock.now(), core::Time(5ms));
  EXPECT_EQ(blocking_http_get(network, n.io.get_executor(), n.clock, 3002, "/", 5s), std::nullopt);
  EXPECT_FALSE(blocking_connect(network, n.io.get_executor(), n.clock, 3002, 5s));
  const core::Time before = n.clock.now();
  EXPECT_EQ(blocking_http_get(network, n.io.get_executor(), n.clock, 3001, "/", 5s), std::nullopt);
  EXPECT_EQ(n.clock.now(), before + 5s);
  EXPECT_TRUE(blocking_connect(network, n.io.get_executor(), n.clock, 3001, 5s));
}

}  // namespace
}  // namespace bg::net
