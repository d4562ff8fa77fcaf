#pragma once
// SimSocket and SimAcceptor: a TCP socket and acceptor of the in-memory network (SimNetwork) with
// the members of Asio's that the harness uses, so the same session code (Beast's http::async_read
// and async_write among it) runs on either: async_read_some / async_write_some (AsyncReadStream,
// AsyncWriteStream), async_connect, shutdown, cancel, close, the endpoints; async_accept of a new
// socket. Errors are Asio's (connection_refused, connection_reset, eof, broken_pipe,
// operation_aborted), so a caller's classification of them is the same code as live.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/sim_network.h"

namespace bg::net {

class SimSocket {
 public:
  using executor_type = boost::asio::any_io_executor;
  using endpoint_type = boost::asio::ip::tcp::endpoint;

  SimSocket(executor_type executor, SimNetwork& network) : executor_(std::move(executor)), network_(&network) {}
  // An accepted connection (SimAcceptor).
  SimSocket(executor_type executor, SimNetwork& network, std::shared_ptr<SimNetwork::Endpoint> endpoint)
      : executor_(std::move(executor)), network_(&network), endpoint_(std::move(endpoint)) {}
  SimSocket(SimSocket&& other) noexcept = default;
  SimSocket& operator=(SimSocket&& other) noexcept {
    if (this != &other) {
      boost::system::error_code ignored;
      close(ignored);
      executor_ = std::move(other.executor_);
      network_ = other.network_;
      endpoint_ = std::move(other.endpoint_);
    }
    return *this;
  }
  // As a socket's destructor does: close() (FIN, or RST with unread data).
  ~SimSocket() {
    boost::system::error_code ignored;
    close(ignored);
  }

  executor_type get_executor() const { return executor_; }
  SimNetwork& network() const { return *network_; }
  bool is_open() const { return endpoint_ != nullptr; }
  // The same connection with its completions on `executor` (an accepted socket handed to a session).
  SimSocket on(executor_type executor) && { return SimSocket(std::move(executor), *network_, std::move(endpoint_)); }

  template <class Token>
  auto async_connect(const endpoint_type& peer, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this, port = peer.port()](auto handler) {
          if (!endpoint_) endpoint_ = network_->open();
          network_->connect(endpoint_, port, SimNetwork::ConnectDone(std::move(handler), executor_));
        },
        token);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          SimNetwork::IoDone done(std::move(handler), executor_);
          if (!endpoint_) return done.post(boost::asio::error::bad_descriptor, 0);
          network_->read(endpoint_,
                         std::vector<boost::asio::mutable_buffer>(boost::asio::buffer_sequence_begin(b),
                                                                  boost::asio::buffer_sequence_end(b)),
                         std::move(done));
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          SimNetwork::IoDone done(std::move(handler), executor_);
          if (!endpoint_) return done.post(boost::asio::error::bad_descriptor, 0);
          std::string bytes(boost::asio::buffer_size(b), '\0');
          boost::asio::buffer_copy(boost::asio::buffer(bytes), b);
          network_->write(endpoint_, std::move(bytes), std::move(done));
        },
        token, buffers);
  }

  void shutdown(boost::asio::ip::tcp::socket::shutdown_type what, boost::system::error_code& ec) {
    ec = {};
    if (!endpoint_) {
      ec = boost::asio::error::bad_descriptor;
      return;
    }
    if (what != boost::asio::ip::tcp::socket::shutdown_receive) network_->shutdown_send(endpoint_);
    if (what != boost::asio::ip::tcp::socket::shutdown_send) network_->shutdown_receive(endpoint_);
  }
  std::size_t available(boost::system::error_code& ec) const {
    ec = endpoint_ ? boost::system::error_code() : boost::asio::error::bad_descriptor;
    return endpoint_ ? network_->available(endpoint_) : 0;
  }
  void cancel() {
    if (endpoint_) network_->cancel(endpoint_);
  }
  int id() const { return endpoint_ ? SimNetwork::id(*endpoint_) : -1; }
  bool idle_usable() const { return endpoint_ && network_->idle_usable(endpoint_); }
  void discard_unread(boost::system::error_code& ec) {
    ec = endpoint_ ? boost::system::error_code() : boost::asio::error::bad_descriptor;
    if (endpoint_) network_->discard_unread(endpoint_);
  }
  void close(boost::system::error_code& ec) {
    ec = {};
    if (auto e = std::move(endpoint_)) network_->close(e);
  }

  endpoint_type local_endpoint(boost::system::error_code& ec) const {
    ec = endpoint_ ? boost::system::error_code() : boost::asio::error::bad_descriptor;
    return {boost::asio::ip::address_v4::loopback(), endpoint_ ? SimNetwork::local_port(*endpoint_) : uint16_t(0)};
  }
  endpoint_type remote_endpoint(boost::system::error_code& ec) const {
    const uint16_t port = endpoint_ ? SimNetwork::remote_port(*endpoint_) : 0;
    ec = port ? boost::system::error_code() : boost::asio::error::not_connected;
    return {boost::asio::ip::address_v4::loopback(), port};
  }

 private:
  executor_type executor_;
  SimNetwork* network_;
  std::shared_ptr<SimNetwork::Endpoint> endpoint_;  // null until opened (connect) or when closed
};

class SimAcceptor {
 public:
  using executor_type = boost::asio::any_io_executor;

  SimAcceptor(executor_type executor, SimNetwork& network) : executor_(std::move(executor)), network_(&network) {}
  ~SimAcceptor() { close(); }
  SimAcceptor(const SimAcceptor&) = delete;
  SimAcceptor& operator=(const SimAcceptor&) = delete;

  executor_type get_executor() const { return executor_; }
  // bind + listen in one: address_in_use when the port is held.
  void listen(uint16_t port, boost::system::error_code& ec) { listener_ = network_->listen(port, ec); }
  bool is_open() const { return listener_ != nullptr; }
  void close() {
    if (auto l = std::move(listener_)) network_->close(*l);
  }

  // handler(error_code, SimSocket): the next connection, on `executor` (the socket's executor too).
  template <class Token>
  auto async_accept(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, SimSocket)>(
        [this](auto handler) {
          // The handler's own executor (a strand it is bound to), which the wrapper below hides.
          const executor_type runs_on = boost::asio::get_associated_executor(handler, executor_);
          auto wrapped = [h = std::move(handler), network = network_, executor = executor_](
                             boost::system::error_code ec, std::shared_ptr<SimNetwork::Endpoint> e) mutable {
            std::move(h)(ec, e ? SimSocket(executor, *network, std::move(e)) : SimSocket(executor, *network));
          };
          SimNetwork::AcceptDone done(std::move(wrapped), runs_on);
          if (!listener_) return done.post(boost::asio::error::bad_descriptor, nullptr);
          network_->accept(listener_, std::move(done));
        },
        token);
  }

 private:
  executor_type executor_;
  SimNetwork* network_;
  std::shared_ptr<SimNetwork::Listener> listener_;
};

}  // namespace bg::net
