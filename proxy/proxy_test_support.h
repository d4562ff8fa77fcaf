#pragma once
// Test helpers for the live proxy tests: a clock the test moves by hand, tiny blocking loopback
// backends on the run's mapped ports, and a blocking HTTP client. Every wait has a deadline.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"

namespace bg::proxy::testing_support {

// Scenario time moves only when the test says so (fail_timeout windows become deterministic);
// socket deadlines are scenario durations at 1/100 (60 s -> 0.6 s real).
class TestClock final : public core::Clock {
 public:
  core::Time now() const override { return core::Time(now_us_.load()); }
  std::chrono::nanoseconds to_real(core::Duration d) const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d) * real_per_scenario_.load() / 1000;
  }
  // Real time per scenario time, in thousandths (10: 1/100, the default). A test that must act
  // inside a short scenario window widens it in real time.
  void set_real_per_scenario_thousandths(int64_t t) { real_per_scenario_ = t; }
  bool sleep_for(core::Duration d, std::stop_token stop = {}) override {
    advance(d);
    return !stop.stop_requested();
  }
  void advance(core::Duration d) { now_us_ += d.count(); }

 private:
  std::atomic<int64_t> now_us_{0};
  std::atomic<int64_t> real_per_scenario_{10};
};

// A backend on a declared port of the PortMap, serving one connection at a time on its own thread.
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

 private:
  void run();
  void handle(int fd);

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

struct ClientResponse {
  int status = 0;     // 0: no response (connection closed or refused)
  std::string head;
  std::string body;
  int connect_errno = 0;
};

// One request on a new connection (Connection: close); reads to EOF with a 3 s deadline.
ClientResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                            const std::string& extra_headers = "", const std::string& body = "");
// 0 when a connection to 127.0.0.1:port succeeds, else errno.
int try_connect(uint16_t port);
// Reads one response head+body from a keep-alive connection (Content-Length framed); 3 s deadline.
ClientResponse read_response(int fd);
bool send_all(int fd, const std::string& data);
int connect_to(uint16_t port);

// The proxy's log events of one kind ("access_log", "error_log", ...), in order.
std::vector<core::ProxyEvent> proxy_events(const core::History& history, const std::string& kind);

// The live proxy tests run each case with the io_context on two threads (sessions on strands) and
// on one (ProxyServer::run_on_one_thread: no strands); the parameter is the thread count.
inline std::string io_threads_name(const ::testing::TestParamInfo<int>& info) {
  return info.param == 1 ? "OneThread" : std::to_string(info.param) + "Threads";
}
// The running case's name as one folder name ("Case/OneThread" has a slash).
inline std::string test_dir_name() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (char& c : name)
    if (c == '/') c = '_';
  return name;
}

}  // namespace bg::proxy::testing_support
