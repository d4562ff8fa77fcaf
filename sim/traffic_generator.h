#pragma once
// TrafficGenerator: open-loop client traffic through the proxy. Arrivals follow a fixed schedule in
// scenario time (rate per scenario second), whatever the responses do, so a stall during a swap shows
// up as failures and latency instead of silently slowing the client down (coordinated omission).
// Each request opens its own connection (HTTP/1.1, Connection: close), carries X-Request-Id, and is
// recorded in the History with its outcome class (ok / fail / info).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/rng.h"

namespace bg::sim {

struct TrafficOptions {
  uint16_t port = 0;                 // the proxy's actual listening port on 127.0.0.1
  double rate = 40;                  // requests per scenario second, all clients together
  int clients = 4;                   // arrivals are dealt to clients round robin
  double post_ratio = 0.2;           // share of POST /api/echo (non-idempotent); the rest GET /
  core::Duration timeout = std::chrono::seconds(30);  // per request, scenario time
};

class TrafficGenerator {
 public:
  TrafficGenerator(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::Rng rng,
                   TrafficOptions options);
  ~TrafficGenerator();
  TrafficGenerator(const TrafficGenerator&) = delete;
  TrafficGenerator& operator=(const TrafficGenerator&) = delete;

  // Begins the arrival schedule at the clock's current time.
  void start();
  // No arrivals after this; requests in flight finish by themselves (each has its own deadline).
  void stop();
  // Waits (real time) until no request is in flight. Returns false if the deadline passed first.
  bool wait_idle(std::chrono::nanoseconds real_deadline);

  int64_t sent() const { return sent_; }
  int64_t late() const { return late_; }   // arrivals sent after their intended time by > 1 ms real

 private:
  struct Request;
  void schedule_next();
  void on_arrival();
  void launch(uint64_t id, int client, bool post, core::Time intended);
  void finished(const core::RequestEvent& event);

  boost::asio::io_context& io_;
  core::Clock& clock_;
  core::History& history_;
  core::Rng rng_;
  TrafficOptions options_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  core::Time origin_{};
  uint64_t next_index_ = 0;
  bool stopped_ = true;
  std::atomic<int64_t> sent_{0}, late_{0};
  std::mutex mutex_;
  std::condition_variable idle_;
  int64_t in_flight_ = 0;
};

}  // namespace bg::sim
