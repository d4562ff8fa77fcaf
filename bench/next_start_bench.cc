// bg_next_start_bench: how long a real Next.js server (apps/next, one build per pinned version) takes
// from start to listening and to ready, and from SIGTERM to exit, idle and with a request in flight,
// next to what the fake app (fakes/nextjs) is set to do. A program that prints figures, never
// pass/fail on time. Each figure is the median of --trials runs (5), in real milliseconds; the servers
// are started by RealNextServer exactly as a run starts them, outside any container.
//
//   bg_next_start_bench [--trials N]
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "fakes/nextjs/next_app_profile.h"
#include "fakes/nextjs/real_next_builds.h"
#include "fakes/nextjs/real_next_server.h"
#include "test_support/loopback.h"

namespace {
namespace fs = std::filesystem;
using namespace bg;
using namespace std::chrono_literals;
using Ms = std::chrono::duration<double, std::milli>;

struct Trial {
  double listen = 0, ready = 0, stop_idle = 0, stop_busy = 0;
  bool cut = false;  // the in-flight request was cut
};

// Scenario time on a clock at scale 1 is real time since the clock's epoch.
double ms_at(const core::History& h, core::AppWhat what, int nth = 0) {
  int seen = 0;
  for (const auto& e : h.all<core::AppEvent>())
    if (e.what == what && seen++ == nth) return Ms(e.at).count();
  return -1;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct Server {
  core::ScaledClock clock{1.0};
  core::History history;
  std::unique_ptr<fakes::RealNextServer> process;
  std::promise<int> exit_code;
  uint16_t port = 0;

  Server(core::PortMap& ports, fakes::RealNextBuilds& builds, const std::string& version, int n) {
    fakes::ProcessSpec spec;
    spec.container = fmt::format("bench-{}", n);
    spec.build_id = "benchbuild";
    spec.container_port = port = ports.reserve_anonymous();
    spec.argv = {"node", "server.js"};
    fakes::RealNextSettings s;
    s.standalone = builds.standalone_for(spec.build_id);
    s.version = version;
    process = std::make_unique<fakes::RealNextServer>(clock, history, s, spec);
    process->on_exit = [this](int code) { exit_code.set_value(code); };
  }
  bool ready() {
    return wait_for([&] { return ms_at(history, core::AppWhat::ready) >= 0; }, 30s);
  }
};

Trial one_trial(core::PortMap& ports, fakes::RealNextBuilds& builds, const std::string& version, int n) {
  Trial t;
  {
    Server s(ports, builds, version, n);
    auto exited = s.exit_code.get_future();
    s.process->start();
    if (!s.ready()) throw std::runtime_error(version + " did not become ready in 30 s");
    const double start = ms_at(s.history, core::AppWhat::starting);
    t.listen = ms_at(s.history, core::AppWhat::listening) - start;
    t.ready = ms_at(s.history, core::AppWhat::ready) - start;
    const double signalled = Ms(s.clock.now()).count();
    s.process->signal(SIGTERM);
    if (exited.wait_for(30s) != std::future_status::ready) throw std::runtime_error(version + " ignored SIGTERM");
    t.stop_idle = ms_at(s.history, core::AppWhat::exited) - signalled;
  }
  {
    Server s(ports, builds, version, n + 1000);
    auto exited = s.exit_code.get_future();
    s.process->start();
    if (!s.ready()) throw std::runtime_error(version + " did not become ready in 30 s");
    // A POST the app holds 2 s after its handler started (the X-Bluegreen-Delay-Ms knob).
    auto held = std::async(std::launch::async, [port = s.port] {
      return test_support::http_request(port, "POST", "/api/echo", "X-Request-Id: 1\r\nX-Bluegreen-Delay-Ms: 2000\r\n",
                                        "x");
    });
    wait_for([&] { return ms_at(s.history, core::AppWhat::execution) >= 0; }, 10s);
    const double signalled = Ms(s.clock.now()).count();
    s.process->signal(SIGTERM);
    if (exited.wait_for(30s) != std::future_status::ready) throw std::runtime_error(version + " ignored SIGTERM");
    t.stop_busy = ms_at(s.history, core::AppWhat::exited) - signalled;
    t.cut = ms_at(s.history, core::AppWhat::cut) >= 0;
    held.wait();
  }
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 5;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--trials") trials = std::max(1, std::atoi(argv[i + 1]));
  if (!fakes::RealNextServer::node_available("/usr/bin/node")) {
    std::cerr << "bg_next_start_bench: /usr/bin/node is not installed\n";
    return 2;
  }
  const fs::path root = fs::temp_directory_path() / fmt::format("bg-next-bench-{}", ::getpid());
  core::PortMap ports;
  std::cout << fmt::format(
      "Real Next.js servers (node server.js of a standalone build), median of {} trials, real ms:\n\n"
      "| version | start -> listening | start -> ready | SIGTERM -> exit, idle | SIGTERM -> exit, a POST held 2 s "
      "in flight | in-flight request | fake's SIGTERM (NextAppProfile) |\n|---|---|---|---|---|---|---|\n",
      trials);
  int status = 0;
  for (const std::string version : {"12.2", "13.4", "14.1"}) {
    auto found = fakes::RealNextBuilds::find_template(fakes::RealNextBuilds::default_cache(),
                                                      *fakes::RealNextBuilds::version_folder(version));
    if (auto* why = std::get_if<std::string>(&found)) {
      std::cout << fmt::format("| {} | {} | | | | | |\n", version, *why);
      status = 2;
      continue;
    }
    fakes::RealNextBuilds builds(std::get<fs::path>(found), root / version, false);
    std::vector<double> listen, ready, idle, busy;
    int cuts = 0;
    for (int i = 0; i < trials; ++i) {
      Trial t = one_trial(ports, builds, version, i);
      listen.push_back(t.listen);
      ready.push_back(t.ready);
      idle.push_back(t.stop_idle);
      busy.push_back(t.stop_busy);
      cuts += t.cut ? 1 : 0;
    }
    fakes::NextAppProfile fake;
    fake.version = version;
    std::cout << fmt::format("| {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | cut in {} of {} | {} |\n", version,
                             median(listen), median(ready), median(idle), median(busy), cuts, trials,
                             fakes::to_string(fake.sigterm_mode()));
  }
  fakes::NextAppProfile fake;
  std::cout << fmt::format(
      "\nThe fake's own defaults (scenario time, NextAppProfile): start -> listening {} ms, listening -> ready {} ms; "
      "scenarios set app.listen_delay (the real server never listens before it) and the fake exits at once "
      "(exit_immediately) or after its last in-flight request (graceful).\n",
      std::chrono::duration_cast<std::chrono::milliseconds>(fake.listen_delay).count(),
      std::chrono::duration_cast<std::chrono::milliseconds>(fake.prepare_delay).count());
  std::error_code ignored;
  fs::remove_all(root, ignored);
  return status;
}
