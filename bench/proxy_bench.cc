// bg_proxy_bench: requests/s and p50/p99 latency through bluegreen's proxy (one worker, one Asio
// thread, told so: ProxyServer::run_on_one_thread, no strands, as nginx's worker is one loop), through the real nginx
// (`worker_processes 1`, same config, same backends, same load, same run) and directly to the backends, then the
// ratios. Load: K closed-loop keep-alive clients sending N GETs per measurement; both proxies keep upstream connections
// (HTTP/1.1, `keepalive 32`). Not a test: it prints figures comparing the two proxies and decides nothing.
//
// Fairness on a shared machine: every target is started once and measured R rounds, the targets
// interleaved and their order rotated each round, so load from other processes falls on all of them
// alike; each measurement has its own warm-up; the ratios are taken per round (bluegreen and nginx
// measured back to back) and their median is printed, with the machine's core count and load average.
// Each proxy's CPU time per request (its one worker's utime + stime from /proc over the measured
// load) is printed too: on a shared machine it moves far less than requests/s do.
#include <utility>  // before Asio under C++20 (design.md)

#include <algorithm>
#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <sstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

struct Options {
  int clients = 16;
  int requests = 40000;
  int rounds = 5;
  std::string only;  // "bluegreen", "nginx" or "direct": measure that target alone (profiling)
};

struct Sample {
  double rps = 0, p50 = 0, p99 = 0;
  uint64_t failed = 0;
  double cpu_us = 0;  // the proxy's CPU time per request: what the machine's other load does not change
};

struct Target {
  std::string name;
  std::vector<uint16_t> ports;          // the clients spread over these
  std::vector<Sample> samples;          // one per round
  std::function<double()> cpu_seconds;  // CPU time so far of the proxy's one worker (none: direct)
};

// CPU seconds (user + system) of a thread or process, from its /proc stat line.
double proc_cpu_seconds(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; rest >> field && i <= 15; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// nginx's worker: the master's child process.
pid_t nginx_worker(pid_t master) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    long ppid = 0;
    if (rest >> state >> ppid && ppid == master) return static_cast<pid_t>(std::stol(entry.path().filename()));
  }
  return 0;
}

Sample measure(const Target& t, const Options& o) {
  bench::run_load(t.ports, o.clients, std::max(o.clients, o.requests / 10));  // warm up connections and caches
  double cpu_before = t.cpu_seconds ? t.cpu_seconds() : 0;
  bench::LoadResult load = bench::run_load(t.ports, o.clients, o.requests);
  double cpu = t.cpu_seconds ? t.cpu_seconds() - cpu_before : 0;
  return {load.requests_per_second(), load.percentile_us(50), load.percentile_us(99), load.failed,
          load.ok ? cpu * 1e6 / static_cast<double>(load.ok) : 0};
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string load_average() {
  double l[3] = {0, 0, 0};
  if (::getloadavg(l, 3) != 3) return "unknown";
  return fmt::format("{:.2f} {:.2f} {:.2f}", l[0], l[1], l[2]);
}

bool parse_options(int argc, char** argv, Options& o) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) {
      o.rounds = std::atoi(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      o.only = argv[++i];
    } else if (!a.empty() && a[0] != '-') {
      positional.push_back(a);
    } else {
      return false;
    }
  }
  if (positional.size() > 0) o.clients = std::atoi(positional[0].c_str());
  if (positional.size() > 1) o.requests = std::atoi(positional[1].c_str());
  return o.clients >= 1 && o.requests >= o.clients && o.rounds >= 1 && positional.size() <= 2 &&
         (o.only.empty() || o.only == "bluegreen" || o.only == "nginx" || o.only == "direct");
}

void print_results(const std::vector<Target>& targets) {
  std::cout << fmt::format("\n{:<20} {:>9} {:>9} {:>9} {:>7} {:>11}   (median of rounds; req/s of each round)\n",
                           "target", "req/s", "p50 us", "p99 us", "failed", "cpu us/req");
  for (const auto& t : targets) {
    std::vector<double> rps, p50, p99, cpu;
    uint64_t failed = 0;
    std::string each;
    for (const auto& s : t.samples) {
      rps.push_back(s.rps), p50.push_back(s.p50), p99.push_back(s.p99), cpu.push_back(s.cpu_us), failed += s.failed;
      each += fmt::format(" {:.0f}", s.rps);
    }
    std::cout << fmt::format("{:<20} {:>9.0f} {:>9.0f} {:>9.0f} {:>7} {:>11.1f}  {}\n", t.name, median(rps),
                             median(p50), median(p99), failed, median(cpu), each);
  }
}

// Per-round ratio of target `a` to target `b` (same round: measured back to back), and the median.
void print_ratio(const Target& a, const Target& b, const char* goal_rps, const char* goal_p99) {
  std::vector<double> rps, p99, cpu;
  std::string each;
  for (size_t r = 0; r < a.samples.size() && r < b.samples.size(); ++r) {
    rps.push_back(a.samples[r].rps / b.samples[r].rps);
    p99.push_back(a.samples[r].p99 / b.samples[r].p99);
    if (b.samples[r].cpu_us > 0) cpu.push_back(a.samples[r].cpu_us / b.samples[r].cpu_us);
    each += fmt::format(" {:.2f}/{:.2f}", rps.back(), p99.back());
  }
  std::string cpu_text = cpu.empty() ? "" : fmt::format(", cpu per request {:.2f}", median(cpu));
  std::cout << fmt::format("{} / {}: throughput {:.2f}{}, p99 {:.2f}{}{}   (per round, throughput/p99:{})\n", a.name,
                           b.name, median(rps), goal_rps, median(p99), goal_p99, cpu_text, each);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::cerr << "usage: bg_proxy_bench [clients=16] [requests=40000] [--rounds 5] [--only bluegreen|nginx|direct]\n";
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / ("bg_proxy_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Both proxies run all through the run, so nginx gets the same config on another declared port.
  std::ofstream(dir / "nginx.conf") << kConfig;
  std::string real_config = kConfig;
  real_config.replace(real_config.find("listen 80;"), 10, "listen 81;");
  std::ofstream(dir / "nginx-real.conf") << real_config;
  core::PathMap paths;
  paths.add("/etc/nginx", dir);
  core::PortMap ports;
  core::ScaledClock clock(1.0);
  core::History history;
  bench::BenchBackend blue(ports, 3000), green(ports, 3001);
  std::cout << fmt::format("machine: {} cores, load average {}\n", std::thread::hardware_concurrency(), load_average());
  std::cout << fmt::format(
      "{} keep-alive clients, {} requests per measurement (after a warm-up of {}), {} rounds, 2 backends\n", o.clients,
      o.requests, std::max(o.clients, o.requests / 10), o.rounds);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::promise<pid_t> io_tid;
  std::thread io_thread([&io, &io_tid] {  // one worker, one thread: as nginx's one worker process
    io_tid.set_value(::gettid());
    io.run();
  });
  ::pthread_setname_np(io_thread.native_handle(), "bg-proxy");  // to find it in `perf report --comm`
  auto ours = std::make_unique<proxy::ProxyServer>(io, clock, history, ports, paths);
  ours->run_on_one_thread(true);
  std::unique_ptr<proxy::RealNginx> nginx;
  std::vector<Target> targets;
  auto want = [&](const char* name) { return o.only.empty() || o.only == name; };
  // Direct: the clients split over both backends, as the proxies spread their requests.
  if (want("direct")) targets.push_back({"direct to backends", {blue.port(), green.port()}, {}, {}});
  if (want("bluegreen")) {
    ours->start("/etc/nginx/nginx.conf");
    std::string stat = fmt::format("/proc/self/task/{}/stat", io_tid.get_future().get());
    targets.push_back({"bluegreen proxy", {ours->listen_port()}, {}, [stat] { return proc_cpu_seconds(stat); }});
  }
  if (want("nginx")) {
    if (proxy::RealNginx::available()) {
      nginx = std::make_unique<proxy::RealNginx>(io, clock, history, ports, paths);
      nginx->start("/etc/nginx/nginx-real.conf");
      std::string stat = fmt::format("/proc/{}/stat", nginx_worker(nginx->pid()));
      targets.push_back({"nginx (1 worker)", {nginx->listen_port()}, {}, [stat] { return proc_cpu_seconds(stat); }});
    } else {
      std::cout << "nginx: /usr/sbin/nginx not installed, skipped\n";
    }
  }

  for (int r = 0; r < o.rounds; ++r) {
    std::cout << fmt::format("round {} (load average {}):", r + 1, load_average());
    for (size_t i = 0; i < targets.size(); ++i) {
      Target& t = targets[(i + static_cast<size_t>(r)) % targets.size()];  // rotate the order each round
      t.samples.push_back(measure(t, o));
      std::cout << fmt::format(" {} {:.0f}/s", t.name, t.samples.back().rps) << std::flush;
    }
    std::cout << "\n";
  }
  if (nginx) nginx->stop();
  ours->stop();
  work.reset();
  io.stop();
  io_thread.join();

  print_results(targets);
  auto find = [&](const std::string& name) -> const Target* {
    for (const auto& t : targets)
      if (t.name.rfind(name, 0) == 0) return &t;
    return nullptr;
  };
  std::cout << "\n";
  const Target *b = find("bluegreen"), *n = find("nginx"), *d = find("direct");
  if (b && d) print_ratio(*b, *d, "", "");
  if (n && d) print_ratio(*n, *d, "", "");
  if (b && n) print_ratio(*b, *n, " (goal >= 1)", " (goal <= 1)");
  std::cout << fmt::format("load average at the end: {}\n", load_average());
  fs::remove_all(dir);
  return 0;
}
