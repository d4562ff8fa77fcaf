// bg_proxy_bench: requests/s and p50/p99 latency through bluegreen's proxy (one worker, one Asio
// thread), through the real nginx (`worker_processes 1`, same config, same backends, same load, same
// run) and directly to a backend, then the ratios. Load: K closed-loop keep-alive clients sending N
// GETs in all; both proxies keep upstream connections (HTTP/1.1, `keepalive 32`). Not a test: it
// prints numbers for issue 3's closing note and decides nothing.
#include <utility>  // before Asio under C++20 (design.md)

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "bench/bench_backend.h"
#include "bench/bench_load.h"
#include "core/clock.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "proxy/proxy_server.h"
#include "proxy/real_nginx.h"

namespace {
namespace fs = std::filesystem;
using namespace bg;

constexpr const char* kConfig = R"(worker_processes 1;
events { worker_connections 1024; }
http {
    upstream backends {
        server localhost:3000;
        server localhost:3001;
        keepalive 32;
    }
    server {
        listen 80;
        location / {
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
)";

struct Row {
  std::string name;
  bench::LoadResult load;
  double p50 = 0, p99 = 0;
};

Row measure(const std::string& name, uint16_t port, int clients, int requests) {
  bench::run_load(port, clients, std::max(clients, requests / 10));  // warm up connections and caches
  Row r{name, bench::run_load(port, clients, requests)};
  r.p50 = r.load.percentile_us(50);
  r.p99 = r.load.percentile_us(99);
  return r;
}

void print(const Row& r) {
  std::cout << fmt::format("{:<22} {:>10.0f} {:>10.0f} {:>10.0f} {:>8}\n", r.name, r.load.requests_per_second(), r.p50,
                           r.p99, r.load.failed);
}

}  // namespace

int main(int argc, char** argv) {
  int clients = argc > 1 ? std::atoi(argv[1]) : 16;
  int requests = argc > 2 ? std::atoi(argv[2]) : 40000;
  if (clients < 1 || requests < clients) {
    std::cerr << "usage: bg_proxy_bench [clients=16] [requests=40000]\n";
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / ("bg_proxy_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "nginx.conf") << kConfig;
  core::PathMap paths;
  paths.add("/etc/nginx", dir);
  core::PortMap ports;
  core::ScaledClock clock(1.0);
  core::History history;
  bench::BenchBackend blue(ports, 3000), green(ports, 3001);
  std::cout << fmt::format("{} keep-alive clients, {} requests per target, 2 backends\n", clients, requests);
  std::cout << fmt::format("{:<22} {:>10} {:>10} {:>10} {:>8}\n", "target", "req/s", "p50 us", "p99 us", "failed");

  Row direct = measure("direct to backend", blue.port(), clients, requests);
  print(direct);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });  // one worker, one thread: as nginx's one worker process
  Row ours;
  {
    proxy::ProxyServer server(io, clock, history, ports, paths);
    server.start("/etc/nginx/nginx.conf");
    ours = measure("bluegreen proxy", server.listen_port(), clients, requests);
    server.stop();
  }
  work.reset();
  io.stop();
  io_thread.join();
  print(ours);

  std::optional<Row> nginx;
  if (proxy::RealNginx::available()) {
    proxy::RealNginx real(io, clock, history, ports, paths);
    real.start("/etc/nginx/nginx.conf");
    nginx = measure("nginx (1 worker)", real.listen_port(), clients, requests);
    real.stop();
    print(*nginx);
  } else {
    std::cout << "nginx: /usr/sbin/nginx not installed, skipped\n";
  }

  std::cout << fmt::format("\nbluegreen / direct: throughput {:.2f}, p99 {:.2f}\n",
                           ours.load.requests_per_second() / direct.load.requests_per_second(), ours.p99 / direct.p99);
  if (nginx)
    std::cout << fmt::format("bluegreen / nginx:  throughput {:.2f} (goal >= 1), p99 {:.2f} (goal <= 1)\n",
                             ours.load.requests_per_second() / nginx->load.requests_per_second(), ours.p99 / nginx->p99);
  fs::remove_all(dir);
  return 0;
}
