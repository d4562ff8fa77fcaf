#pragma once
// PortPublisher: one published host port of a container, as Docker's userland proxy (docker-proxy)
// serves it (semantics.md §3 "Host port binding and docker-proxy (important)"). It listens on the
// host port from container start, before the app listens; each accepted connection dials the
// container port, and when that is refused the client is closed without a byte written (the client
// sees connect-then-EOF: nginx's "upstream prematurely closed connection"); otherwise bytes are
// spliced both ways, half-close aware, as docker-proxy's io.Copy + CloseRead/CloseWrite does.
//
// userland_proxy=false (dockerd --userland-proxy=false) publishes through NAT: the host port refuses
// until the app listens. Without NAT in one process this is approximated: the publisher probes the
// container port and listens on the host port only while the app does. The approximation differs
// from NAT in two small windows (documented where it matters): up to one probe interval after the
// app starts listening the host port still refuses; a connection accepted just before the app
// stopped is reset (closer to a refusal than docker-proxy's clean EOF).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/port_map.h"
#include "net/network.h"
#include "net/serial_executor.h"

namespace bg::fakes {

class PortPublisher : public std::enable_shared_from_this<PortPublisher> {
 public:
  struct Options {
    bool userland_proxy = true;
    // userland_proxy=false only: how often the container port is probed (real time).
    std::chrono::nanoseconds probe_interval = std::chrono::milliseconds(2);
    // Called once, where the publisher's handlers run, when stop()'s closing has run: the engine
    // waits for it in scenario time (a notify), not with a real-time wait of its own.
    std::function<void()> on_closed;
  };

  // host_port and container_port are actual loopback ports held by `ports` (PortMap::map and
  // PortMap::reserve_anonymous). The io_context must outlive the publisher's handlers.
  // `network`: the kernel's loopback, or the run's in-memory network, where userland_proxy=false is
  // NAT itself (SimNetwork::forward) rather than the probing approximation below.
  static std::shared_ptr<PortPublisher> create(boost::asio::io_context& io, core::PortMap& ports, uint16_t host_port,
                                               uint16_t container_port, Options options, net::Network network = {});
  PortPublisher(const PortPublisher&) = delete;
  PortPublisher& operator=(const PortPublisher&) = delete;

  // Starts listening (or probing). Throws std::system_error when the host port cannot be listened on.
  void start();
  // Thread-safe. On return the host port refuses connections; open connections are closed on the
  // publisher's executor right after (closed() says when that has run, Options::on_closed tells).
  // Safe to call twice.
  void stop();
  bool closed() const { return closed_.load(); }

  uint16_t host_port() const { return host_port_; }
  uint16_t container_port() const { return container_port_; }
  // Connections currently being forwarded or refused (for tests and leak checks).
  size_t open_connections() const;

  class Session;  // one client connection (port_publisher.cc)

 private:
  PortPublisher(boost::asio::io_context& io, core::PortMap& ports, uint16_t host_port, uint16_t container_port,
                Options options, net::Network network);
  bool listening() const;
  void start_listening();
  void stop_listening();
  void do_accept();
  void on_accept(const boost::system::error_code& ec, net::Socket socket);
  void on_backend_refused();
  void schedule_probe();
  void on_probe(bool app_listens);
  void close_all();

  net::SerialExecutor serial_;  // where every handler of the publisher and its sessions runs
  uint16_t host_port_;
  uint16_t container_port_;
  Options options_;
  net::Network network_;
  net::Acceptor acceptor_;
  // Live without the userland proxy only: on sim NAT is modelled, and a steady_timer would give the
  // io_context an epoll reactor, which the virtual clock's every poll would ask with a syscall.
  std::optional<boost::asio::steady_timer> probe_timer_;
  mutable std::mutex mutex_;  // guards listener_, listening_, sessions_
  core::PortListener listener_;
  bool listening_ = false;
  std::atomic<bool> stopped_{false};
  std::vector<std::weak_ptr<Session>> sessions_;
  std::atomic<bool> closed_{false};
};

}  // namespace bg::fakes
