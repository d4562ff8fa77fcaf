#pragma once
// TestBackend: a tiny blocking HTTP backend on a declared port of the run's PortMap, serving one
// connection at a time on its own thread: it answers with its name, or misbehaves as an upstream
// does in the races (closes after reading, holds the request). Every wait has a deadline.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/port_map.h"

namespace bg::test_support {

class TestBackend {
 public:
  enum class Mode {
    serve,             // answers 200 with its name as the body (HTTP/1.0, then closes)
    close_after_read,  // reads the request, then closes without a byte: "prematurely closed"
    hold,              // reads the request and never answers (until the proxy closes)
  };
  TestBackend(core::PortMap& ports, uint16_t declared_port, std::string name, Mode mode = Mode::serve);
  ~TestBackend();
  TestBackend(const TestBackend&) = delete;
  TestBackend& operator=(const TestBackend&) = delete;

  int requests() const { return requests_.load(); }
  // The request heads received, in order.
  std::vector<std::string> heads() const;
  // Whether every held connection was closed by the proxy within the deadline.
  bool held_connections_closed(std::chrono::milliseconds deadline);
  int held_count() const;
  // Answers every held request as `serve` would, and closes its connection; returns how many.
  int answer_held();

 private:
  void run();
  void handle(int fd);
  void answer(int fd) const;

  core::PortListener listener_;
  int listen_fd_ = -1;
  std::string name_;
  Mode mode_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::vector<int> held_;
  std::thread thread_;
};

}  // namespace bg::test_support
