// The first slice of a run on the deterministic engine: the fake Next.js server and the traffic
// generator, unchanged, on the in-memory network and a VirtualClock. No proxy, Docker or scripts
// yet (issue 15's next steps): the traffic goes straight to the app's port.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <thread>
#include <string>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)
#include <boost/asio/io_context.hpp>

#include "core/events_json.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/virtual_clock.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/nextjs/next_server.h"
#include "net/sim_network.h"
#include "proxy/proxy_server.h"
#include "sim/traffic_generator.h"

namespace bg::sim {
namespace {
using namespace std::chrono_literals;

// Traffic straight to an app's port on the in-memory network: 50 req/s, 10 s timeout.
TrafficOptions straight_to(uint16_t port, net::SimNetwork& network) {
  TrafficOptions t;
  t.port = port;
  t.rate = 50;
  t.timeout = 10s;
  t.network = net::Network(network);
  return t;
}

// What every slice runs on: a virtual clock, the in-memory network (declared before the io_context:
// sockets held by its queued handlers need it), the io_context the clock runs, the history, and
// ports that are numbers only.
struct SimWorld {
  explicit SimWorld(uint64_t seed) : network(clock, core::Rng(seed).child("network")) { clock.attach(io); }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& entry : history.entries()) out.push_back(core::entry_to_line(entry));
    return out;
  }
  core::VirtualClock clock;
  net::SimNetwork network;
  boost::asio::io_context io;
  core::History history;
  core::PortMap ports{core::PortMap::InMemory{}};
};

// No more arrivals; what is in flight ends (each request has its own timeout).
void drain(TrafficGenerator& traffic) {
  traffic.stop();
  EXPECT_TRUE(traffic.wait_idle(60s));
}

struct SliceRun {
  std::vector<std::string> history;  // JSONL lines
  int exit_code = -1;
  core::Time exited_at{};
};

// Next.js 12.2 listening at 2 s, traffic from 0 s to 7 s (50 req/s, a fifth POSTs with 20-80 ms of
// API latency), SIGTERM at 5 s: 12.2 exits at once and cuts what is in flight (semantics.md §5).
SliceRun run_slice(uint64_t seed) {
  SimWorld w(seed);
  auto& [clock, network, io, history, ports] = w;
  SliceRun out;
  {
    core::VirtualClock::Actor self(clock, 1);
    fakes::NextAppProfile profile;
    profile.version = "12.2";
    profile.listen_delay = 2s;
    profile.prepare_delay = 500ms;
    profile.api_latency_min = 20ms;
    profile.api_latency_max = 80ms;
    fakes::ProcessSpec spec;
    spec.container = "blue-blue-1";
    spec.build_id = "build-blue";
    spec.container_port = 3000;
    spec.argv = {"node", "server.js"};
    fakes::NextServer app(io, clock, history, ports, core::Rng(seed).child("app"), profile, spec,
                          net::Network(network));
    app.on_exit = [&](int code) {
      out.exit_code = code;
      out.exited_at = w.clock.now();  // not the binding: clang 14 cannot capture one
    };
    TrafficOptions t = straight_to(3000, network);
    t.post_ratio = 0.2;
    t.api_get_ratio = 0.2;
    TrafficGenerator traffic(io, clock, history, core::Rng(seed).child("traffic"), t);
    app.start();
    traffic.start();
    clock.sleep_for(5s);
    app.signal(SIGTERM);
    clock.sleep_for(2s);
    drain(traffic);
  }
  out.history = w.lines();
  return out;
}

// A request's line of the history, and its intended start in scenario µs (-1 for another event).
int64_t intended_of(const std::string& line) {
  if (line.find("\"type\":\"request\"") == std::string::npos) return -1;
  return std::stoll(line.substr(line.find("\"intended\":") + 11));
}

int count_with(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "") {
  int n = 0;
  for (const auto& l : lines) n += l.find(a) != std::string::npos && l.find(b) != std::string::npos;
  return n;
}

// Goal: the same seed gives the same history byte for byte, twice, the second time with a CPU hog
// on every core; another seed another one (the latencies and arrivals are drawn); and what happens is 12.2's story:
// refused before it listens, served after, exit 0 at the SIGTERM's instant, refused after.
TEST(SimNetworkSlice, TheSameSeedGivesTheSameHistoryAndTheAppsStory) {
  const SliceRun first = run_slice(5);
  // Again with every core busy beside it: real time must not reach the history.
  std::atomic<bool> hogging{true};
  std::vector<std::jthread> hogs;
  for (unsigned i = 0; i < std::max(2u, std::thread::hardware_concurrency()); ++i)
    hogs.emplace_back([&] {
      uint64_t spin = 0;
      while (hogging.load(std::memory_order_relaxed)) spin = spin * 31 + 7;
      (void)spin;
    });
  const SliceRun again = run_slice(5);
  hogging = false;
  hogs.clear();
  ASSERT_EQ(first.history.size(), again.history.size());
  EXPECT_EQ(first.history, again.history);
  EXPECT_NE(run_slice(6).history, first.history);

  EXPECT_EQ(first.exit_code, 0);
  EXPECT_EQ(first.exited_at, core::Time(5s));
  const int refused = count_with(first.history, "connect_refused");
  const int served = count_with(first.history, "\"type\":\"request\"", "\"status\":200");
  EXPECT_GT(refused, 150) << "about 100 before the listen at 2 s and 100 after the exit at 5 s";
  EXPECT_GT(served, 100) << "about 150 while it listened";
  EXPECT_EQ(count_with(first.history, "\"what\":\"listening\""), 1);
  // Between listening and ready 12.2 answers 500 (its handler is not set up yet, §5).
  EXPECT_GT(count_with(first.history, "\"type\":\"request\"", "\"status\":500"), 5);
}

// The Docker engine with docker-proxy and a Next.js 14.1 container, traffic to the published host
// port, `docker stop` at 5 s: 14.1 drains and exits; until the endpoint's teardown (500 ms here)
// docker-proxy still accepts and closes at once (semantics.md §3, race R04); then the port
// refuses. A healthcheck probes the app through the same network.
SliceRun run_docker_slice(uint64_t seed) {
  SimWorld w(seed);
  auto& [clock, network, io, history, ports] = w;
  SliceRun out;
  {
    core::VirtualClock::Actor self(clock, 1);
    fakes::EngineOptions options;
    options.build_duration = 0s;
    options.teardown_delay = 500ms;
    options.network = net::Network(network);
    fakes::NextAppProfile profile;
    profile.version = "14.1";
    profile.listen_delay = 1s;
    fakes::DockerEngine docker(io, clock, history, ports, core::Rng(seed).child("docker"), options,
                               fakes::NextServer::factory(
                                   io, clock, history, ports, core::Rng(seed).child("apps"),
                                   [&](const fakes::ProcessSpec&) { return profile; }, net::Network(network)));
    docker.build(fakes::parse_dockerfile("FROM node:16-alpine\nENV PORT 3000\nCMD [\"node\", \"server.js\"]\n"),
                 "docker-image", {});
    fakes::ContainerSpec spec;
    spec.project = spec.service = "blue";
    spec.image = "docker-image";
    spec.ports = {{"", 3000, 3000, "tcp"}};
    spec.healthcheck = fakes::Healthcheck{{"CMD", "curl", "-f", "http://localhost:3000/api/health"}, 1s, 1s, 0s, 3};
    const std::string name = docker.create(spec).name;
    docker.start(name);
    TrafficGenerator traffic(io, clock, history, core::Rng(seed).child("traffic"), straight_to(3000, network));
    traffic.start();
    clock.sleep_for(5s);
    out.exit_code = docker.stop(name, std::nullopt, {});
    out.exited_at = clock.now();
    clock.sleep_for(2s);
    drain(traffic);
    docker.shutdown();
  }
  out.history = w.lines();
  return out;
}

// Goal: the engine, docker-proxy, the app and the traffic run on the in-memory network with one
// history per seed, and the published port tells R04's story: before the app listens and in the
// teardown window docker-proxy accepts and closes (the client reads end of stream); after the
// teardown the port refuses.
TEST(SimNetworkSlice, DockerProxyAcceptsAndClosesUntilTheEndpointIsTornDown) {
  const SliceRun first = run_docker_slice(3);
  EXPECT_EQ(run_docker_slice(3).history, first.history);
  EXPECT_EQ(first.exit_code, 0);
  EXPECT_EQ(first.exited_at, core::Time(5s));  // 14.1 idle between requests: it drains at once
  int eof_before_listen = 0, eof_in_teardown = 0, refused_after = 0, ok = 0;
  for (const auto& line : first.history) {
    const int64_t at = intended_of(line);
    if (at < 0) continue;
    if (line.find("\"error\":\"eof\"") != std::string::npos) (at < 1'000'000 ? eof_before_listen : eof_in_teardown)++;
    if (line.find("connect_refused") != std::string::npos && at >= 5'500'000) ++refused_after;
    if (line.find("\"status\":200") != std::string::npos) ++ok;
  }
  EXPECT_GT(eof_before_listen, 40);  // 1 s at 50 req/s
  EXPECT_GT(eof_in_teardown, 15);    // 0.5 s
  EXPECT_GT(refused_after, 60);      // 1.5 s
  EXPECT_GT(ok, 150);
  EXPECT_EQ(count_with(first.history, "\"what\":\"health_status\"", "healthy"), 1);
}

// The seed in miniature on the in-memory network: bluegreen's nginx (round robin over blue on 3000
// and green on 3001, both Next.js 12.2, as the article's nginx.conf), traffic to its port 80, and
// SIGTERM to blue at 4 s (traffic from 1 s to 7 s). 12.2 exits at once: the proxy's connects to blue are refused from
// then on and GETs are retried on green (proxy_next_upstream error), all in virtual time.
SliceRun run_proxy_slice(uint64_t seed, const std::filesystem::path& etc_nginx) {
  SimWorld w(seed);
  auto& [clock, network, io, history, ports] = w;
  core::PathMap paths;
  paths.add("/etc/nginx", etc_nginx);
  SliceRun out;
  {
    core::VirtualClock::Actor self(clock, 1);
    fakes::NextAppProfile profile;
    profile.version = "12.2";
    std::vector<std::unique_ptr<fakes::NextServer>> apps;
    for (auto [name, port] : {std::pair{"blue-blue-1", 3000}, std::pair{"green-green-1", 3001}}) {
      fakes::ProcessSpec spec;
      spec.container = name;
      spec.build_id = std::string("build-") + name;
      spec.container_port = static_cast<uint16_t>(port);
      spec.argv = {"node", "server.js"};
      apps.push_back(std::make_unique<fakes::NextServer>(io, clock, history, ports, core::Rng(seed).child(name),
                                                         profile, spec, net::Network(network)));
      apps.back()->on_exit = [&, name = std::string(name)](int code) {
        if (name == "blue-blue-1") out.exit_code = code, out.exited_at = w.clock.now();
      };
      apps.back()->start();
    }
    proxy::ProxyServer nginx(io, clock, history, ports, paths, net::Network(network));
    nginx.start("/etc/nginx/nginx.conf");
    clock.sleep_for(1s);  // both apps listen and are ready
    TrafficOptions t = straight_to(80, network);
    t.post_ratio = 0.2;
    TrafficGenerator traffic(io, clock, history, core::Rng(seed).child("traffic"), t);
    traffic.start();
    clock.sleep_for(3s);
    apps[0]->signal(SIGTERM);
    clock.sleep_for(3s);
    drain(traffic);
    nginx.stop();
  }
  out.history = w.lines();
  return out;
}

// Goal: the proxy, two apps and the traffic give one history per seed on the in-memory network;
// blue's exit is refused at the proxy's connects and the GETs after it are all served by green,
// as nginx's retry on "connect() failed (111: Connection refused)" serves them live.
TEST(SimNetworkSlice, TheProxyRetriesGetsOnGreenOnceBlueIsGone) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("bg_sim_proxy_slice_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "nginx.conf") << "events {}\nhttp {\n  upstream backends {\n    server localhost:3000;\n"
                                       "    server localhost:3001;\n  }\n  server {\n    listen 80;\n"
                                       "    location / {\n      proxy_pass http://backends;\n    }\n  }\n}\n";
  const SliceRun first = run_proxy_slice(2, dir);
  const SliceRun again = run_proxy_slice(2, dir);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(again.history, first.history);
  EXPECT_EQ(first.exit_code, 0);
  EXPECT_EQ(first.exited_at, core::Time(4s));
  int gets_after = 0, gets_after_ok_green = 0, blue_before = 0;
  for (const auto& line : first.history) {
    const int64_t at = intended_of(line);
    if (at < 0) continue;
    const bool get = line.find("\"method\":\"GET\"") != std::string::npos;
    if (at < 4'000'000 && line.find("\"served_by\":\"blue-blue-1\"") != std::string::npos) ++blue_before;
    if (get && at > 4'001'000) {
      ++gets_after;
      gets_after_ok_green +=
          line.find("\"status\":200") != std::string::npos && line.find("green-green-1") != std::string::npos;
    }
  }
  EXPECT_GT(blue_before, 50);
  EXPECT_GT(gets_after, 50);
  EXPECT_EQ(gets_after_ok_green, gets_after);
  EXPECT_GT(count_with(first.history, "connect() failed (111: Connection refused)"), 0);
}

}  // namespace
}  // namespace bg::sim
