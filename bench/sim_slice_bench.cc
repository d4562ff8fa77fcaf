// bg_sim_slice_bench: the same slice of a run on both engines, and what each costs. The slice is
// the Docker engine with docker-proxy, a Next.js 14.1 container with a healthcheck, and 50 req/s of
// traffic to the published port for 7 scenario seconds with a `docker stop` at 5 s; no proxy and no
// deploy scripts yet (issue 15: they are not on the in-memory network). Live runs it on loopback at
// --time-scale (0.1), the deterministic engine on the in-memory network and a VirtualClock. It
// prints the real time of each, their ratio (measured in this one run) and the requests by outcome,
// so a reader sees both what the speed-up is and that the two runs tell one story. A program that
// prints figures, never pass/fail on time.
//
//   bg_sim_slice_bench [--time-scale S] [--runs N]
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/virtual_clock.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/nextjs/next_server.h"
#include "net/sim_network.h"
#include "sim/traffic_generator.h"

namespace {
using namespace bg;
using namespace std::chrono_literals;

struct Outcome {
  double real_ms = 0;
  std::map<std::string, int> requests;  // "200", "eof", "connect_refused", ...
};

// The slice on `clock` and `network` (live: a default Network and a machine PortMap).
Outcome slice(core::Clock& clock, boost::asio::io_context& io, core::PortMap& ports, const net::Network& network) {
  const auto began = std::chrono::steady_clock::now();
  core::History history;
  {
    fakes::EngineOptions options;
    options.build_duration = 0s;
    options.teardown_delay = 500ms;
    options.network = network;
    fakes::NextAppProfile profile;
    profile.version = "14.1";
    profile.listen_delay = 1s;
    fakes::DockerEngine docker(io, clock, history, ports, core::Rng(3).child("docker"), options,
                               fakes::NextServer::factory(
                                   io, clock, history, ports, core::Rng(3).child("apps"),
                                   [&](const fakes::ProcessSpec&) { return profile; }, network));
    docker.build(fakes::parse_dockerfile("FROM node:16-alpine\nENV PORT 3000\nCMD [\"node\", \"server.js\"]\n"),
                 "docker-image", {});
    fakes::ContainerSpec spec;
    spec.project = spec.service = "blue";
    spec.image = "docker-image";
    spec.ports = {{"", 3000, 3000, "tcp"}};
    spec.healthcheck = fakes::Healthcheck{{"CMD", "curl", "-f", "http://localhost:3000/api/health"}, 1s, 1s, 0s, 3};
    const std::string name = docker.create(spec).name;
    docker.start(name);
    sim::TrafficOptions t;
    t.port = ports.map(3000);
    t.rate = 50;
    t.timeout = 10s;
    t.network = network;
    sim::TrafficGenerator traffic(io, clock, history, core::Rng(3).child("traffic"), t);
    traffic.start();
    clock.sleep_for(5s);
    docker.stop(name, std::nullopt, {});
    clock.sleep_for(2s);
    traffic.stop();
    traffic.wait_idle(60s);
    docker.shutdown();
  }
  Outcome out;
  out.real_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
  for (const auto& r : history.all<core::RequestEvent>())
    ++out.requests[r.error.empty() ? std::to_string(r.status) : r.error];
  return out;
}

Outcome live(double time_scale) {
  core::ScaledClock clock(time_scale);
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { io.run(); });
  core::PortMap ports;
  Outcome out = slice(clock, io, ports, net::Network());
  work.reset();
  for (auto& t : threads) t.join();
  return out;
}

Outcome simulated() {
  core::VirtualClock clock;
  net::SimNetwork network(clock, core::Rng(3).child("network"));
  boost::asio::io_context io;
  clock.attach(io);
  core::PortMap ports{core::PortMap::InMemory{}};
  core::VirtualClock::Actor self(clock, 1);
  return slice(clock, io, ports, net::Network(network));
}

std::string classes(const Outcome& o) {
  std::string s;
  for (const auto& [k, n] : o.requests) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", k, n);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  double time_scale = 0.1;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--time-scale") time_scale = std::atof(argv[i + 1]);
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
  }
  fmt::print(
      "slice: Docker engine + docker-proxy + Next.js 14.1 (healthcheck) + 50 req/s, 7 scenario s, stop at 5 s\n");
  fmt::print("{:<28} {:>12}  requests by outcome\n", "engine", "real ms");
  double live_total = 0, sim_total = 0;
  for (int r = 0; r < runs; ++r) {
    const Outcome l = live(time_scale);
    const Outcome s = simulated();
    live_total += l.real_ms;
    sim_total += s.real_ms;
    fmt::print("{:<28} {:>12.1f}  {}\n", fmt::format("live, time scale {}", time_scale), l.real_ms, classes(l));
    fmt::print("{:<28} {:>12.1f}  {}\n", "sim (in-memory, virtual)", s.real_ms, classes(s));
  }
  fmt::print("sim is {:.0f}x faster than live at time scale {} (mean of {} runs each, measured in this run)\n",
             live_total / sim_total, time_scale, runs);
  return 0;
}
