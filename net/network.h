#pragma once
// The network a run's components open sockets on, and the socket and acceptor types that work on
// either: the kernel's loopback in a live run, the in-memory SimNetwork in the deterministic one
// (docs/network.md). A component holds a net::Network and makes its sockets through it; the
// session code (Beast's reads and writes, Asio's composed operations) is the same for both.
//
// Socket and Acceptor hold one of the two kinds (a variant): each call goes to the one it holds, a
// branch per call on a live socket. Their executor type is the component's own (the proxy binds
// its sockets to the io_context's executor type, docs/design.md), so live code keeps its executor.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <variant>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/sim_socket.h"

namespace bg::net {

class Network {
 public:
  Network() = default;  // the kernel's loopback
  explicit Network(SimNetwork& sim) : sim_(&sim) {}
  SimNetwork* sim() const { return sim_; }
  bool is_sim() const { return sim_ != nullptr; }

 private:
  SimNetwork* sim_ = nullptr;
};

template <class Executor = boost::asio::any_io_executor>
class BasicSocket {
  // A sim socket with this socket's executor type, held by pointer: a live socket, the proxy's
  // hot path, then costs only the variant's index beyond Asio's own socket (UpstreamAttempt's size
  // note).
  struct Sim {
    Executor executor;
    SimNetwork* network;
    std::unique_ptr<SimSocket> socket;  // null once moved from: a closed socket is made on first use
  };

 public:
  using executor_type = Executor;
  using endpoint_type = boost::asio::ip::tcp::endpoint;
  using Live = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

  // A socket not open yet, on `network`.
  BasicSocket(const Executor& executor, const Network& network)
      : socket_(network.is_sim()
                    ? Variant(Sim{executor, network.sim(), std::make_unique<SimSocket>(executor, *network.sim())})
                    : Variant(std::in_place_type<Live>, executor)) {}
  // An accepted connection.
  explicit BasicSocket(Live live) : socket_(std::move(live)) {}
  BasicSocket(const Executor& executor, SimSocket sim)
      : socket_(Sim{executor, &sim.network(), std::make_unique<SimSocket>(std::move(sim))}) {}
  BasicSocket(BasicSocket&&) noexcept = default;
  BasicSocket& operator=(BasicSocket&&) noexcept = default;

  executor_type get_executor() const {
    if (auto* sim = std::get_if<Sim>(&socket_)) return sim->executor;
    return std::get<Live>(socket_).get_executor();
  }
  bool is_sim() const { return std::holds_alternative<Sim>(socket_); }

  template <class Token>
  auto async_connect(const endpoint_type& peer, Token&& token) {
    return visit([&](auto& s) { return s.async_connect(peer, std::forward<Token>(token)); });
  }
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return visit([&](auto& s) { return s.async_read_some(buffers, std::forward<Token>(token)); });
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return visit([&](auto& s) { return s.async_write_some(buffers, std::forward<Token>(token)); });
  }

  void shutdown(boost::asio::ip::tcp::socket::shutdown_type what, boost::system::error_code& ec) {
    visit([&](auto& s) { s.shutdown(what, ec); });
  }
  void close(boost::system::error_code& ec) {
    visit([&](auto& s) { s.close(ec); });
  }
  void cancel() {
    if (auto* sim = sim_socket()) return sim->cancel();
    boost::system::error_code ignored;
    std::get<Live>(socket_).cancel(ignored);
  }
  bool is_open() const {
    return visit([](auto& s) { return s.is_open(); });
  }
  std::size_t available(boost::system::error_code& ec) const {
    return visit([&](auto& s) { return s.available(ec); });
  }
  // What names the connection while it is open: a live socket's descriptor, a sim connection's
  // number (SimNetwork::kFirstConnectionId and up, never a descriptor). -1 when closed.
  int connection_id() const {
    if (auto* sim = sim_socket()) return sim->id();
    auto& live = std::get<Live>(socket_);
    return live.is_open() ? live.native_handle() : -1;
  }
  // An idle keep-alive connection that can carry a request again: nothing arrived on it, neither data
  // nor a FIN nor an RST (live: recv(MSG_PEEK | MSG_DONTWAIT) fails with EAGAIN).
  bool idle_usable() const {
    if (auto* sim = sim_socket()) return sim->idle_usable();
    char byte;
    const ssize_t n = ::recv(connection_id(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  // Reads and drops what has arrived, so that a close after it is a FIN, not an RST.
  void discard_unread(boost::system::error_code& ec) {
    if (auto* sim = sim_socket()) return sim->discard_unread(ec);
    auto& live = std::get<Live>(socket_);
    char sink[4096];
    live.non_blocking(true, ec);
    while (!ec && live.available(ec) > 0 && !ec) live.read_some(boost::asio::buffer(sink), ec);
  }
  // SO_LINGER 0 on a live socket, so that its close resets the peer (a refusal's stand-in where NAT
  // is approximated); nothing on a sim socket, where NAT is modelled and this is never needed.
  void reset_on_close(boost::system::error_code& ec) {
    ec = {};
    if (auto* live = std::get_if<Live>(&socket_)) live->set_option(boost::asio::socket_base::linger(true, 0), ec);
  }
  // TCP_NODELAY on a live socket; the in-memory network has no Nagle to turn off.
  void set_no_delay(boost::system::error_code& ec) {
    ec = {};
    if (auto* live = std::get_if<Live>(&socket_)) live->set_option(boost::asio::ip::tcp::no_delay(true), ec);
  }
  endpoint_type local_endpoint(boost::system::error_code& ec) const {
    return visit([&](auto& s) { return s.local_endpoint(ec); });
  }
  endpoint_type remote_endpoint(boost::system::error_code& ec) const {
    return visit([&](auto& s) { return s.remote_endpoint(ec); });
  }

 private:
  using Variant = std::variant<Live, Sim>;
  // Mutable: Asio's const members (is_open, available, the endpoints) are const only by name, and a
  // moved-from sim socket gets its closed stand-in on first use (sim_socket).
  SimSocket* sim_socket() const {
    auto* sim = std::get_if<Sim>(&socket_);
    if (!sim) return nullptr;
    if (!sim->socket) sim->socket = std::make_unique<SimSocket>(sim->executor, *sim->network);  // moved from
    return sim->socket.get();
  }
  // f(the live socket) or f(the sim socket).
  template <class F>
  decltype(auto) visit(F&& f) const {
    if (auto* sim = sim_socket()) return f(*sim);
    return f(std::get<Live>(socket_));
  }
  mutable Variant socket_;
};

using Socket = BasicSocket<>;

template <class Executor = boost::asio::any_io_executor>
class BasicAcceptor {
 public:
  using executor_type = Executor;
  using Live = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
  using Socket = BasicSocket<Executor>;

  BasicAcceptor(const Executor& executor, const Network& network)
      : executor_(executor),
        acceptor_(network.is_sim() ? Variant(std::in_place_type<SimAcceptor>, executor, *network.sim())
                                   : Variant(std::in_place_type<Live>, executor)) {}
  BasicAcceptor(const BasicAcceptor&) = delete;
  BasicAcceptor& operator=(const BasicAcceptor&) = delete;

  executor_type get_executor() const { return executor_; }
  bool is_sim() const { return std::holds_alternative<SimAcceptor>(acceptor_); }

  // Live: takes over a listening descriptor (core::PortListener's), as acceptor.assign does.
  void assign_listening(int fd, boost::system::error_code& ec) {
    std::get<Live>(acceptor_).assign(boost::asio::ip::tcp::v4(), fd, ec);
  }
  // Sim: listens on `port` of the in-memory network (address_in_use when it is held).
  void listen_sim(uint16_t port, boost::system::error_code& ec) { std::get<SimAcceptor>(acceptor_).listen(port, ec); }

  bool is_open() const {
    return std::visit([](const auto& a) { return a.is_open(); }, acceptor_);
  }
  void close(boost::system::error_code& ec) {
    ec = {};
    std::visit(
        [&](auto& a) {
          if constexpr (std::is_same_v<std::decay_t<decltype(a)>, Live>)
            a.close(ec);
          else
            a.close();
        },
        acceptor_);
  }

  // handler(error_code, BasicSocket<SocketExecutor>): the next connection, its socket on
  // `socket_executor` (the proxy's sockets are on the io_context's executor, its acceptor on its
  // listener's net::SerialExecutor); the handler runs on its own executor (a strand it is bound
  // to) or else the acceptor's.
  template <class SocketExecutor, class Handler>
  void async_accept(const SocketExecutor& socket_executor, Handler&& handler) {
    using To = BasicSocket<SocketExecutor>;
    const auto runs_on = boost::asio::get_associated_executor(handler, executor_);
    if (auto* live = std::get_if<Live>(&acceptor_)) {
      live->async_accept(socket_executor, boost::asio::bind_executor(
                                              runs_on, [h = std::forward<Handler>(handler)](
                                                           boost::system::error_code ec, typename To::Live s) mutable {
                                                std::move(h)(ec, To(std::move(s)));
                                              }));
      return;
    }
    std::get<SimAcceptor>(acceptor_).async_accept(boost::asio::bind_executor(
        runs_on,
        [h = std::forward<Handler>(handler), socket_executor](boost::system::error_code ec, SimSocket s) mutable {
          std::move(h)(ec, To(socket_executor, std::move(s).on(socket_executor)));
        }));
  }

  // handler(error_code, Socket): the next connection, its socket on the acceptor's executor.
  template <class Handler>
  void async_accept(Handler&& handler) {
    async_accept(executor_, std::forward<Handler>(handler));
  }

 private:
  using Variant = std::variant<Live, SimAcceptor>;
  Executor executor_;
  Variant acceptor_;
};

using Acceptor = BasicAcceptor<>;

}  // namespace bg::net
