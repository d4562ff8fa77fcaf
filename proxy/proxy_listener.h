#pragma once
// ProxyListener is one `listen` port of the proxy: it listens on the run's mapped port (through
// core::PortListener, so the port is held, not released, when it stops) and hands each accepted
// connection to the generation current at that moment — which is how a reload's new config takes
// new connections while old ones finish (nginx keeps listen sockets across reloads).
#include <utility>  // before Asio under C++20 (design.md)

#include <future>
#include <memory>

#include <boost/asio.hpp>

#include "core/port_map.h"
#include "net/serial_executor.h"
#include "proxy/server_state.h"

namespace bg::proxy {

class ProxyListener : public std::enable_shared_from_this<ProxyListener> {
 public:
  // Starts listening at once (throws std::system_error when the port cannot be listened on).
  ProxyListener(std::shared_ptr<ServerState> state, uint16_t declared_port);
  ~ProxyListener();

  void start_accepting();
  // Stops listening (the port refuses again) and closes the acceptor, where its handlers run.
  // The future is ready once done.
  std::future<void> close();
  uint16_t declared_port() const { return declared_; }
  uint16_t actual_port() const { return actual_; }

 private:
  void do_accept();

  std::shared_ptr<ServerState> state_;
  uint16_t declared_;
  uint16_t actual_;
  core::PortListener port_listener_;
  net::SerialExecutor serial_;  // where the accepts' handlers run
  net::Acceptor acceptor_;
  bool closed_ = false;
};

}  // namespace bg::proxy
