// The in-memory network against the kernel: each case runs the same code on SimSocket over a
// VirtualClock and on real loopback sockets, and the outcomes (error or byte count of every step)
// must be the same. This is where a rule of docs/network.md is read from Linux rather than written
// from memory: a case that differs names the step.
#include <gtest/gtest.h>
#include <netinet/tcp.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/virtual_clock.h"
#include "net/network.h"
#include "net/sim_socket.h"
#include "test_support/wait.h"

namespace bg::net {
namespace {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// What one step ended with: "ok 4", "eof", "connection_reset", ... or "pending" if it never did.
struct Step {
  std::optional<error_code> ec;
  std::size_t bytes = 0;
  std::string text() const {
    if (!ec) return "pending";
    if (!*ec) return "ok " + std::to_string(bytes);
    if (*ec == asio::error::eof) return "eof";
    if (*ec == asio::error::connection_reset) return "connection_reset";
    if (*ec == asio::error::connection_refused) return "connection_refused";
    if (*ec == asio::error::broken_pipe) return "broken_pipe";
    return ec->message();
  }
  auto handler() {
    return [this](error_code e, std::size_t n = 0) {
      ec = e;
      bytes = n;
    };
  }
};

// Real loopback sockets: the io_context runs until the awaited steps have ended (2 s at most).
struct LiveWorld {
  using Socket = tcp::socket;
  using Acceptor = tcp::acceptor;
  asio::io_context io;
  Socket socket() { return Socket(io); }
  // A listener on a free loopback port; `port` is set to it.
  std::unique_ptr<Acceptor> listen(uint16_t& port) {
    auto a = std::make_unique<Acceptor>(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = a->local_endpoint().port();
    return a;
  }
  void close(Acceptor& a) { a.close(); }
  template <class Done>
  void settle(Done done) {
    EXPECT_TRUE(test_support::wait_until(
        [&] {
          io.poll();
          io.restart();
          return done();
        },
        2s, "the steps to end on loopback"));
  }
  // The kernel has taken the connection down (an RST arrived): TCP_INFO's state is TCP_CLOSE.
  void await_reset(Socket& s) {
    settle([&] {
      tcp_info info{};
      socklen_t len = sizeof info;
      return getsockopt(s.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == TCP_CLOSE;
    });
  }
  template <class S>
  void await_available(S& s, std::size_t n) {
    settle([&] {
      error_code ec;
      return s.available(ec) >= n;
    });
  }
};

// The in-memory network: settling is letting the virtual clock run a scenario second.
struct SimWorld {
  using Socket = SimSocket;
  using Acceptor = SimAcceptor;
  SimWorld() : network(clock, core::Rng(11)) { clock.attach(io); }
  core::VirtualClock clock;
  asio::io_context io;
  SimNetwork network;
  Socket socket() { return Socket(io.get_executor(), network); }
  std::unique_ptr<Acceptor> listen(uint16_t& port) {
    auto a = std::make_unique<Acceptor>(io.get_executor(), network);
    port = 3000;
    error_code ec;
    a->listen(port, ec);
    EXPECT_FALSE(ec);
    return a;
  }
  void close(Acceptor& a) { a.close(); }
  template <class Done>
  void settle(Done done) {
    clock.run_until(clock.now() + 1s);
    EXPECT_TRUE(done());
  }
  void await_reset(Socket&) { clock.run_until(clock.now() + 1s); }
  template <class S>
  void await_available(S&, std::size_t) {
    clock.run_until(clock.now() + 1s);
  }
};

tcp::endpoint at(uint16_t port) { return {asio::ip::address_v4::loopback(), port}; }

// Connects a client to a new listener and accepts it.
template <class W>
struct Connected {
  explicit Connected(W& w) : client(w.socket()) {
    acceptor = w.listen(port);
    Step connected;
    acceptor->async_accept([this](error_code ec, typename W::Socket s) {
      EXPECT_FALSE(ec);
      server.emplace(std::move(s));
    });
    client.async_connect(at(port), connected.handler());
    w.settle([&] { return connected.ec && server; });
  }
  uint16_t port = 0;
  std::unique_ptr<typename W::Acceptor> acceptor;
  typename W::Socket client;
  std::optional<typename W::Socket> server;
};

template <class W>
std::vector<std::string> refused() {
  W w;
  uint16_t port = 0;
  w.close(*w.listen(port));  // a port nobody listens on any more
  auto s = w.socket();
  Step connect;
  s.async_connect(at(port), connect.handler());
  w.settle([&] { return connect.ec.has_value(); });
  return {connect.text()};
}

template <class W>
std::vector<std::string> backlog_reset() {
  W w;
  uint16_t port = 0;
  auto acceptor = w.listen(port);
  auto client = w.socket();
  Step connect, read;
  client.async_connect(at(port), connect.handler());
  w.settle([&] { return connect.ec.has_value(); });
  char byte;
  client.async_read_some(asio::buffer(&byte, 1), read.handler());
  w.close(*acceptor);
  w.settle([&] { return read.ec.has_value(); });
  return {connect.text(), read.text()};
}

template <class W>
std::vector<std::string> close_with_unread(bool read_first) {
  W w;
  Connected<W> c(w);
  Step sent, server_read, client_read;
  asio::async_write(c.client, asio::buffer(std::string("POST /api/echo")), sent.handler());
  w.await_available(*c.server, 14);
  if (read_first) {
    char buf[64];
    c.server->async_read_some(asio::buffer(buf), server_read.handler());
    w.settle([&] { return server_read.ec.has_value(); });
  }
  char byte;
  c.client.async_read_some(asio::buffer(&byte, 1), client_read.handler());
  error_code ignored;
  c.server->close(ignored);
  w.settle([&] { return client_read.ec.has_value(); });
  return {sent.text(), server_read.text(), client_read.text()};
}

template <class W>
std::vector<std::string> half_close() {
  W w;
  Connected<W> c(w);
  Step sent, all, end, answer_sent, answer_read, after;
  asio::async_write(c.client, asio::buffer(std::string("ping")), sent.handler());
  error_code ec;
  c.client.shutdown(tcp::socket::shutdown_send, ec);
  std::string got(4, '\0');
  asio::async_read(*c.server, asio::buffer(got), all.handler());
  w.settle([&] { return all.ec.has_value(); });
  char byte;
  c.server->async_read_some(asio::buffer(&byte, 1), end.handler());
  w.settle([&] { return end.ec.has_value(); });
  asio::async_write(*c.server, asio::buffer(std::string("pong")), answer_sent.handler());
  std::string answer(4, '\0');
  asio::async_read(c.client, asio::buffer(answer), answer_read.handler());
  w.settle([&] { return answer_read.ec.has_value(); });
  c.client.async_write_some(asio::buffer(std::string("x")), after.handler());
  w.settle([&] { return after.ec.has_value(); });
  return {sent.text(), got, all.text(), end.text(), answer, answer_read.text(), after.text()};
}

// The peer closed cleanly (FIN, this side is in CLOSE_WAIT), then this side sent: the data is
// answered with RST, and the next operations say what the kernel says of it.
template <class W>
std::vector<std::string> write_after_peer_closed() {
  W w;
  Connected<W> c(w);
  error_code ignored;
  c.server->close(ignored);
  Step end, late, first, second, read;
  char byte;
  c.client.async_read_some(asio::buffer(&byte, 1), end.handler());
  w.settle([&] { return end.ec.has_value(); });
  c.client.async_write_some(asio::buffer(std::string("late")), late.handler());
  w.settle([&] { return late.ec.has_value(); });
  w.await_reset(c.client);
  c.client.async_write_some(asio::buffer(std::string("again")), first.handler());
  w.settle([&] { return first.ec.has_value(); });
  c.client.async_write_some(asio::buffer(std::string("again")), second.handler());
  w.settle([&] { return second.ec.has_value(); });
  c.client.async_read_some(asio::buffer(&byte, 1), read.handler());
  w.settle([&] { return read.ec.has_value(); });
  return {end.text(), late.text(), first.text(), second.text(), read.text()};
}

// The peer reset the connection while this side had not seen a FIN (ESTABLISHED): the pending
// error is ECONNRESET, reported once, by a read here.
template <class W>
std::vector<std::string> reset_then_read_then_write() {
  W w;
  Connected<W> c(w);
  Step sent, read, again, write;
  asio::async_write(c.client, asio::buffer(std::string("unread")), sent.handler());
  w.await_available(*c.server, 6);
  error_code ignored;
  c.server->close(ignored);  // unread: RST
  w.await_reset(c.client);
  char byte;
  c.client.async_read_some(asio::buffer(&byte, 1), read.handler());
  w.settle([&] { return read.ec.has_value(); });
  c.client.async_read_some(asio::buffer(&byte, 1), again.handler());
  w.settle([&] { return again.ec.has_value(); });
  c.client.async_write_some(asio::buffer(std::string("x")), write.handler());
  w.settle([&] { return write.ec.has_value(); });
  return {sent.text(), read.text(), again.text(), write.text()};
}

// Goal (each): the in-memory network gives the kernel's outcome, step by step.
TEST(SimNetworkDifferential, ConnectToAClosedPortIsRefused) { EXPECT_EQ(refused<SimWorld>(), refused<LiveWorld>()); }
TEST(SimNetworkDifferential, AListenerClosingResetsItsBacklog) {
  EXPECT_EQ(backlog_reset<SimWorld>(), backlog_reset<LiveWorld>());
}
TEST(SimNetworkDifferential, CloseWithUnreadDataResetsThePeer) {
  EXPECT_EQ(close_with_unread<SimWorld>(false), close_with_unread<LiveWorld>(false));
}
TEST(SimNetworkDifferential, CloseAfterReadingEndsThePeersStream) {
  EXPECT_EQ(close_with_unread<SimWorld>(true), close_with_unread<LiveWorld>(true));
}
TEST(SimNetworkDifferential, AHalfCloseStillCarriesTheAnswer) {
  EXPECT_EQ(half_close<SimWorld>(), half_close<LiveWorld>());
}
TEST(SimNetworkDifferential, WritingAfterThePeerClosedIsResetAsEpipe) {
  EXPECT_EQ(write_after_peer_closed<SimWorld>(), write_after_peer_closed<LiveWorld>());
}
TEST(SimNetworkDifferential, AResetIsReportedOnceThenEndOfStream) {
  EXPECT_EQ(reset_then_read_then_write<SimWorld>(), reset_then_read_then_write<LiveWorld>());
}

// One HTTP exchange through net::Socket and net::Acceptor: the same code on the network `w` gives.
// Returns what the client read, or the error.
template <class W>
std::string http_through_net_sockets(W& w, const net::Network& network) {
  namespace http = boost::beast::http;
  net::Acceptor acceptor(w.io.get_executor(), network);
  uint16_t port = 3000;
  error_code ec;
  if (network.is_sim()) {
    acceptor.listen_sim(port, ec);
  } else {
    tcp::acceptor kernel(w.io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = kernel.local_endpoint().port();
    acceptor.assign_listening(kernel.release(), ec);
  }
  EXPECT_FALSE(ec);
  std::optional<net::Socket> server;
  boost::beast::flat_buffer server_buffer, client_buffer;
  http::request<http::string_body> request, get{http::verb::get, "/api/ping", 11};
  http::response<http::string_body> response{http::status::ok, 11}, answer;
  acceptor.async_accept([&](error_code ec, net::Socket s) {
    EXPECT_FALSE(ec);
    server.emplace(std::move(s));
    http::async_read(*server, server_buffer, request, [&](error_code ec, std::size_t) {
      EXPECT_FALSE(ec);
      response.body() = "served " + std::string(request.target());
      response.prepare_payload();
      http::async_write(*server, response, [](error_code, std::size_t) {});
    });
  });
  net::Socket client(w.io.get_executor(), network);
  Step done;
  client.async_connect(at(port), [&](error_code ec) {
    if (ec) return done.handler()(ec, 0);
    http::async_write(client, get, [&](error_code ec, std::size_t) {
      if (ec) return done.handler()(ec, 0);
      http::async_read(client, client_buffer, answer, done.handler());
    });
  });
  w.settle([&] { return done.ec.has_value(); });
  return done.ec && !*done.ec ? answer.body() : done.text();
}

// Goal: net::Socket and net::Acceptor run one session code over either network.
TEST(SimNetworkDifferential, TheSocketsOfEitherNetworkRunOneSessionCode) {
  LiveWorld live;
  EXPECT_EQ(http_through_net_sockets(live, net::Network()), "served /api/ping");
  SimWorld sim;
  EXPECT_EQ(http_through_net_sockets(sim, net::Network(sim.network)), "served /api/ping");
}

}  // namespace
}  // namespace bg::net
