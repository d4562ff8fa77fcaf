#pragma once
// BenchBackend is the benchmark's upstream: a small keep-alive HTTP/1.1 server on Asio/Beast (one
// session per connection, answers every request with a fixed 200), fast enough that the proxy in
// front of it is what the numbers measure. It honours `Connection: close` as Node does.
#include <utility>  // before Asio under C++20 (design.md)

#include <cstdint>
#include <memory>
#include <thread>

#include <boost/asio.hpp>

#include "core/port_map.h"

namespace bg::bench {

class BenchBackend {
 public:
  // Listens on the PortMap's port for `declared_port`, served by its own thread.
  BenchBackend(core::PortMap& ports, uint16_t declared_port);
  ~BenchBackend();
  BenchBackend(const BenchBackend&) = delete;
  BenchBackend& operator=(const BenchBackend&) = delete;
  uint16_t port() const { return port_; }

 private:
  void do_accept();

  boost::asio::io_context io_;
  core::PortListener listener_;
  uint16_t port_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace bg::bench
