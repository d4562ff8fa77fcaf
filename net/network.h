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

#include <cstdint>
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
 public:
  using executor_type = Executor;
  using endpoint_type = boost::asio::ip::tcp::endpoint;
  using Live = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

  // A socket not open yet, on `network`.
  BasicSocket(const Executor& executor, const Network& network)
      : executor_(executor),
        socket_(network.is_sim() ? Variant(std::in_place_type<SimSocket>, executor, *network.sim())
                                 : Variant(std::in_place_type<Live>, executor)) {}
  // An accepted connection.
  explicit BasicSocket(Live live) : executor_(live.get_executor()), socket_(std::move(live)) {}
  BasicSocket(const Executor& executor, SimSocket sim) : executor_(executor), socket_(std::move(sim)) {}
  BasicSocket(BasicSocket&&) noexcept = default;
  BasicSocket& operator=(BasicSocket&&) noexcept = default;

  executor_type get_executor() const { return executor_; }
  bool is_sim() const { return std::holds_alternative<SimSocket>(socket_); }

  template <class Token>
  auto async_connect(const endpoint_type& peer, Token&& token) {
    return std::visit([&](auto& s) { return s.async_connect(peer, std::forward<Token>(token)); }, socket_);
  }
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return std::visit([&](auto& s) { return s.async_read_some(buffers, std::forward<Token>(token)); }, socket_);
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return std::visit([&](auto& s) { return s.async_write_some(buffers, std::forward<Token>(token)); }, socket_);
  }

  void shutdown(boost::asio::ip::tcp::socket::shutdown_type what, boost::system::error_code& ec) {
    std::visit([&](auto& s) { s.shutdown(what, ec); }, socket_);
  }
  void close(boost::system::error_code& ec) {
    std::visit([&](auto& s) { s.close(ec); }, socket_);
  }
  void cancel() {
    std::visit(
        [](auto& s) {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Live>) {
            boost::system::error_code ignored;
            s.cancel(ignored);
          } else {
            s.cancel();
          }
        },
        socket_);
  }
  bool is_open() const {
    return std::visit([](const auto& s) { return s.is_open(); }, socket_);
  }
  std::size_t available(boost::system::error_code& ec) const {
    return std::visit([&](const auto& s) { return s.available(ec); }, socket_);
  }
  // Reads and drops what has arrived, so that a close after it is a FIN, not an RST.
  void discard_unread(boost::system::error_code& ec) {
    if (auto* sim = std::get_if<SimSocket>(&socket_)) return sim->discard_unread(ec);
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
    return std::visit([&](const auto& s) { return s.local_endpoint(ec); }, socket_);
  }
  endpoint_type remote_endpoint(boost::system::error_code& ec) const {
    return std::visit([&](const auto& s) { return s.remote_endpoint(ec); }, socket_);
  }

 private:
  using Variant = std::variant<Live, SimSocket>;
  Executor executor_;
  Variant socket_;
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

  // handler(error_code, Socket): the next connection, on the handler's own executor (a strand it is
  // bound to) or else the acceptor's.
  template <class Handler>
  void async_accept(Handler&& handler) {
    const auto runs_on = boost::asio::get_associated_executor(handler, executor_);
    std::visit(
        [&](auto& a) {
          using A = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<A, Live>) {
            a.async_accept(boost::asio::bind_executor(
                runs_on,
                [h = std::forward<Handler>(handler)](boost::system::error_code ec, typename Socket::Live s) mutable {
                  std::move(h)(ec, Socket(std::move(s)));
                }));
          } else {
            a.async_accept(
                boost::asio::bind_executor(runs_on, [h = std::forward<Handler>(handler), executor = executor_](
                                                        boost::system::error_code ec, SimSocket s) mutable {
                  std::move(h)(ec, Socket(executor, std::move(s)));
                }));
          }
        },
        acceptor_);
  }

 private:
  using Variant = std::variant<Live, SimAcceptor>;
  Executor executor_;
  Variant acceptor_;
};

using Acceptor = BasicAcceptor<>;

}  // namespace bg::net
