#pragma once
// KeepaliveBackend is a test backend that speaks HTTP/1.1 keep-alive as Node's http server does: it
// keeps a connection open after a response unless the request said `Connection: close` (then it
// answers `Connection: close` and closes), and it closes connections idle past its keepAliveTimeout
// (Node's default is 5 s) — the close that races the proxy's reuse of a cached connection. Many
// connections at once, on one poll thread; every wait has a deadline.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/port_map.h"

namespace bg::test_support {

class KeepaliveBackend {
 public:
  struct Options {
    std::chrono::milliseconds idle_close{0};  // real time; 0 = never (keepAliveTimeout 0)
    // A request arriving on a connection that already served one is read and the connection closed
    // without an answer: the race where Node's idle close crosses nginx's reuse, made deterministic.
    bool drop_reused = false;
  };
  KeepaliveBackend(core::PortMap& ports, uint16_t declared_port, std::string name, Options options);
  KeepaliveBackend(core::PortMap& ports, uint16_t declared_port, std::string name)
      : KeepaliveBackend(ports, declared_port, std::move(name), Options{}) {}
  ~KeepaliveBackend();
  KeepaliveBackend(const KeepaliveBackend&) = delete;
  KeepaliveBackend& operator=(const KeepaliveBackend&) = delete;

  int requests() const { return requests_.load(); }
  int connections() const { return connections_.load(); }
  int idle_closed() const { return idle_closed_.load(); }
  std::vector<std::string> heads() const;

 private:
  struct Conn {
    int fd = -1;
    std::string in;
    int served = 0;
    core::Time idle_since{};
  };
  void run();
  bool on_readable(Conn& c);  // false: close the connection

  core::PortListener listener_;
  int listen_fd_ = -1;
  std::string name_;
  Options options_;
  core::ScaledClock clock_{1.0};  // real time, for the idle close
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0}, connections_{0}, idle_closed_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

}  // namespace bg::test_support
