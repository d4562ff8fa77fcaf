#pragma once
// TrafficGenerator: open-loop client traffic through the proxy. Arrivals follow a schedule in
// scenario time (constant rate or a Poisson process), whatever the responses do, so a stall during a
// swap shows up as failures and latency instead of silently slowing the client down (coordinated
// omission). Each arrival is a POST /api/echo carrying an Idempotency-Key, an API GET /api/health, or
// a GET / which, for a browser, is followed by the /_next/static/<buildId>/ chunks its HTML names. Clients either open
// a connection per request (Connection: close) or each keep one connection alive and queue their requests on it, as wrk
// and browsers do. Every request carries X-Request-Id and is recorded in the History with its outcome class (ok / fail
// / info).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/rng.h"
#include "core/scenario_condition.h"
#include "core/scenario_timer.h"
#include "judge/late_send.h"
#include "net/network.h"
#include "net/serial_executor.h"
#include "sim/live_progress.h"

namespace bg::sim {

class TrafficConnection;
struct TrafficExchange;

enum class Arrivals { constant, poisson };

struct TrafficOptions {
  uint16_t port = 0;         // the proxy's actual listening port on 127.0.0.1
  double rate = 40;          // requests per scenario second, all clients together
  int clients = 4;           // arrivals are dealt to clients round robin
  double post_ratio = 0.2;   // share of POST /api/echo (non-idempotent); the rest GET /
  double api_get_ratio = 0;  // share of GET /api/health (an API client's read), taken from the GET /
  core::Duration timeout = std::chrono::seconds(30);  // per request, scenario time
  Arrivals arrivals = Arrivals::constant;             // evenly spaced, or exponential gaps of the same mean
  bool keepalive = false;                             // one persistent connection per client, requests queued on it
  bool browser = false;                               // a GET / also fetches the chunks the page names
  std::string host = "localhost";                     // the Host header (nginx chooses the server block by it)
  LiveProgress* live = nullptr;                       // counts each request as it ends, for a progress display
  net::Network network;                               // the kernel's loopback, or the run's in-memory network
};

// The files of the page's build (/_next/static/<buildId>/...) its HTML references in src="..." or
// href="...", each once, as a browser fetches them after the page.
std::vector<std::string> referenced_assets(const std::string& html);

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
  // A burst: arrivals at `rate` (per scenario second) for the next `duration` of scenario time, then
  // back to the configured rate. Still open loop; the kinds of request keep their shares.
  void burst(double rate, core::Duration duration);
  // Waits until no request is in flight. Returns false if `span` of scenario time passed first.
  bool wait_idle(core::Duration span);

  int64_t sent() const { return sent_; }
  // Requests sent more than kLateAfter (real) after their intended time: the generator (or, with
  // keep-alive, the request queued before it on its connection) was late, not the system.
  int64_t late() const { return late_; }

 private:
  void schedule_next();
  void on_arrival();
  void dispatch(int client, TrafficExchange exchange);
  TrafficExchange make_exchange(int client, const std::string& method, const std::string& path, core::Time intended);
  void finished(const core::RequestEvent& event, const std::string& body);
  void close_connections();

  boost::asio::io_context& io_;
  core::Clock& clock_;
  core::History& history_;
  core::Rng rng_;
  TrafficOptions options_;
  net::SerialExecutor serial_;  // where its handlers run
  core::ScenarioTimer timer_;
  core::Time next_intended_{};
  double burst_rate_ = 0;  // while an arrival is intended before burst_until_
  core::Time burst_until_{};
  uint64_t arrivals_ = 0;
  bool stopped_ = true;
  std::vector<std::shared_ptr<TrafficConnection>> keepalive_;  // per client, when options_.keepalive
  std::atomic<uint64_t> next_id_{0};
  std::atomic<int64_t> sent_{0}, late_{0};
  std::mutex mutex_;
  core::ScenarioCondition changed_;  // went idle, or its handlers acknowledged stop()
  bool stop_acknowledged_ = false;
  int64_t in_flight_ = 0;
};

}  // namespace bg::sim
