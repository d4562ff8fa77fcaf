// bg_traffic_bench: the request rate the open-loop TrafficGenerator sustains through bluegreen's
// proxy on this machine. For rising target rates (real time: time scale 1)
// it runs the generator for a few seconds against two fast keep-alive backends behind the proxy and
// prints the achieved rate, the share of late sends, failures and corrected p50/p99; the sustained
// rate is the highest target met within 2 % with under 5 % late sends and no failure. Not a test.
#include <utility>  // before Asio under C++20 (design.md)

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "bench/bench_backend.h"
#include "core/clock.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "core/rng.h"
#include "proxy/proxy_server.h"
#include "judge/latency_histogram.h"
#include "sim/traffic_generator.h"

namespace {
namespace fs = std::filesystem;
using namespace bg;

constexpr const char* kConfig = R"(events {}
http {
    upstream backends {
        server localhost:3000;
        server localhost:3001;
    }
    server {
        listen 80;
        location / { proxy_pass http://backends; }
    }
}
)";

struct Step {
  double target = 0, achieved = 0, late_share = 0;
  int64_t requests = 0, failed = 0;
  double p50_ms = 0, p99_ms = 0;
  // On schedule: the rate within 2 %, no failure, and few sends over 1 ms late (a loaded shared
  // machine delays some timer wake-ups whatever the rate).
  bool met() const { return achieved >= target * 0.98 && late_share < 0.05 && failed == 0; }
};

Step run_step(uint16_t proxy_port, double rate, double seconds, bool keepalive) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread thread([&io] { io.run(); });
  core::ScaledClock clock(1.0);
  core::History history;
  Step s;
  s.target = rate;
  {
    sim::TrafficOptions o;
    o.port = proxy_port;
    o.rate = rate;
    o.clients = 16;
    o.post_ratio = 0.2;
    o.timeout = std::chrono::seconds(10);
    o.keepalive = keepalive;
    sim::TrafficGenerator g(io, clock, history, core::Rng(1), o);
    const auto from = clock.now();
    g.start();
    clock.sleep_for(core::from_seconds(seconds));
    g.stop();
    const double elapsed = core::to_seconds(clock.now() - from);
    g.wait_idle(std::chrono::seconds(20));  // scenario time, real at this scale
    const auto requests = core::events_of<core::RequestEvent>(history.entries());
    s.requests = static_cast<int64_t>(requests.size());
    s.achieved = static_cast<double>(requests.size()) / elapsed;
    s.late_share = requests.empty() ? 0 : static_cast<double>(g.late()) / static_cast<double>(requests.size());
    for (const auto& q : requests) s.failed += q.outcome != core::Outcome::ok;
    const auto l = judge::request_latencies(requests);
    s.p50_ms = core::to_seconds(l.corrected.p50) * 1e3;
    s.p99_ms = core::to_seconds(l.corrected.p99) * 1e3;
  }
  work.reset();
  thread.join();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  if (seconds <= 0) {
    std::cerr << "usage: bg_traffic_bench [seconds per step=3]\n";
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / ("bg_traffic_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "nginx.conf") << kConfig;
  core::PathMap paths;
  paths.add("/etc/nginx", dir);
  core::PortMap ports;
  core::ScaledClock clock(1.0);
  core::History proxy_history;
  bench::BenchBackend blue(ports, 3000), green(ports, 3001);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  {
    proxy::ProxyServer server(io, clock, proxy_history, ports, paths);
    server.start("/etc/nginx/nginx.conf");
    std::cout << fmt::format(
        "open-loop generator -> bluegreen proxy -> 2 backends, {} s per step, 16 clients, 20 % POST\n", seconds);
    std::cout << fmt::format("{:<10} {:>8} {:>10} {:>10} {:>7} {:>7} {:>9} {:>9}\n", "clients", "target", "achieved",
                             "requests", "late %", "failed", "p50 ms", "p99 ms");
    for (bool keepalive : {false, true}) {
      double sustained = 0;
      for (double rate : {250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0}) {
        const Step s = run_step(server.listen_port(), rate, seconds, keepalive);
        std::cout << fmt::format("{:<10} {:>8.0f} {:>10.0f} {:>10} {:>7.2f} {:>7} {:>9.2f} {:>9.2f}\n",
                                 keepalive ? "keepalive" : "close", s.target, s.achieved, s.requests,
                                 100 * s.late_share, s.failed, s.p50_ms, s.p99_ms);
        if (s.met()) sustained = rate;
        if (s.achieved < 0.9 * rate) break;  // far behind: higher targets only take longer to fail
      }
      std::cout << fmt::format("sustained ({}): {:.0f} requests/s\n",
                               keepalive ? "keep-alive clients" : "connection per request", sustained);
    }
    server.stop();
  }
  work.reset();
  io_thread.join();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return 0;
}
