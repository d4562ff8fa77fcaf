// RealNextServer end to end through the fake Docker engine: real Next.js servers (apps/next builds,
// made by tools/setup.sh) in containers, with the fake's history events. Skipped, saying why, where
// node or a build is missing.
#include "fakes/nextjs/real_next_server.h"

#include <unistd.h>

#include <future>
#include <variant>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/docker_test_support.h"
#include "fakes/nextjs/real_next_builds.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// An engine whose containers run a real Next.js server of one version.
struct RealWorld {
  core::ScaledClock clock{0.1};
  core::History history;
  core::PortMap ports;
  test_support::IoThread io;
  fs::path root = fs::temp_directory_path() / ("bg-real-next-server-" + std::to_string(::getpid()));
  std::unique_ptr<RealNextBuilds> builds;
  std::unique_ptr<DockerEngine> engine;
  std::string skip;  // why the test cannot run here

  RealWorld(const std::string& version, core::Duration listen_delay) {
    auto found =
        RealNextBuilds::find_template(RealNextBuilds::default_cache(), *RealNextBuilds::version_folder(version));
    if (!RealNextServer::node_available("/usr/bin/node")) skip = "/usr/bin/node is not installed";
    if (auto* why = std::get_if<std::string>(&found)) skip = *why;
    if (!skip.empty()) return;
    builds = std::make_unique<RealNextBuilds>(std::get<fs::path>(found), root, false);
    EngineOptions options;
    options.build_duration = 1s;
    engine = std::make_unique<DockerEngine>(
        io.io(), clock, history, ports, core::Rng(3), options, [this, version, listen_delay](const ProcessSpec& spec) {
          RealNextSettings s;
          s.standalone = builds->standalone_for(spec.build_id);
          s.version = version;
          s.time_scale = 0.1;
          s.listen_delay = listen_delay;
          return std::unique_ptr<ContainerProcess>(new RealNextServer(clock, history, s, spec));
        });
  }
  ~RealWorld() {
    engine.reset();
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }

  std::string run(const std::string& cmd) {
    auto built = engine->build(parse_dockerfile("FROM node:16-alpine\nCMD " + cmd + "\n"), "app", {});
    ContainerSpec spec;
    spec.project = "blue";
    spec.service = "blue";
    spec.image = "app";
    spec.name = "blue-blue-1";
    engine->create(spec);
    engine->start("blue-blue-1");
    return built.image.build_id;
  }
  std::vector<core::AppEvent> events(core::AppWhat what) const {
    std::vector<core::AppEvent> out;
    for (const auto& e : history.all<core::AppEvent>())
      if (e.what == what) out.push_back(e);
    return out;
  }
  // The app's port, from its `listening` event.
  uint16_t port() const {
    auto l = events(core::AppWhat::listening);
    return l.empty() ? 0 : static_cast<uint16_t>(std::stoi(l.front().detail.substr(5)));
  }
  ::testing::AssertionResult ready() {
    return test_support::wait_until([&] { return !events(core::AppWhat::ready).empty(); }, 20s, "the app to be ready");
  }
  // A request the app holds for `hold_ms` scenario ms, sent on its own thread, once the app has begun it.
  std::future<test_support::ClientResponse> held_request(std::string method, std::string path, int request_id,
                                                         int hold_ms) {
    return std::async(std::launch::async, [=, p = port()] {
      return test_support::http_request(
          p, method, path, fmt::format("X-Request-Id: {}\r\nX-Bluegreen-Delay-Ms: {}\r\n", request_id, hold_ms),
          method == "POST" ? "body" : "");
    });
  }
};

#define SKIP_WITHOUT_REAL_APP(w) \
  if (!(w).skip.empty()) GTEST_SKIP() << (w).skip

// Goal: the real server listens only after the scenario's listen delay, is ready, and serves the
// fake's routes with the fake's headers and its own build's static files only.
TEST(RealNextServer, ServesTheFakesRoutesAfterTheListenDelay) {
  RealWorld w("12.2", 3s);
  SKIP_WITHOUT_REAL_APP(w);
  const std::string id = w.run(R"(["node", "server.js"])");
  ASSERT_TRUE(w.ready());
  const auto starting = w.events(core::AppWhat::starting);
  const auto listening = w.events(core::AppWhat::listening);
  ASSERT_EQ(starting.size(), 1u);
  ASSERT_EQ(listening.size(), 1u);
  EXPECT_NE(starting.front().detail.find("sigterm=exit_immediately"), std::string::npos) << starting.front().detail;
  EXPECT_GE(listening.front().at - starting.front().at, 3s);
  auto health = test_support::http_request(w.port(), "GET", "/api/health", "X-Request-Id: 7\r\n");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.head.find("X-Served-By: blue-blue-1"), std::string::npos) << health.head;
  EXPECT_NE(health.head.find("X-Build-Id: " + id), std::string::npos) << health.head;
  EXPECT_NE(health.head.find("X-Request-Id: 7"), std::string::npos) << health.head;
  EXPECT_NE(health.body.find("\"buildId\":\"" + id + "\""), std::string::npos) << health.body;
  EXPECT_EQ(test_support::http_request(w.port(), "GET", "/_next/static/" + id + "/_buildManifest.js").status, 200);
  EXPECT_EQ(test_support::http_request(w.port(), "GET", "/_next/static/otherbuild/_buildManifest.js").status, 404);
  auto page = test_support::http_request(w.port(), "GET", "/");
  EXPECT_NE(page.body.find("/_next/static/" + id + "/_buildManifest.js"), std::string::npos);
  auto echo = test_support::http_request(w.port(), "POST", "/api/echo", "X-Request-Id: 9\r\n", "hello");
  EXPECT_EQ(echo.body, "hello");
  EXPECT_TRUE(test_support::wait_until([&] { return !w.events(core::AppWhat::execution).empty(); }, 5s,
                                       "the echo's execution event"));
  EXPECT_EQ(w.events(core::AppWhat::execution).front().request_id, 9u);
  EXPECT_EQ(w.events(core::AppWhat::execution).front().execution_id, "blue-blue-1-1");
}

// Goal: 12.2 exits at once on SIGTERM: the request it held is cut (the client gets no response, the
// history a `cut` of its id), and the container exits 0 well within the grace period.
TEST(RealNextServer, Next12CutsTheRequestInFlightOnSigterm) {
  RealWorld w("12.2", 0s);
  SKIP_WITHOUT_REAL_APP(w);
  w.run(R"(["node", "server.js"])");
  ASSERT_TRUE(w.ready());
  auto held = w.held_request("POST", "/api/echo", 42, 20000);
  ASSERT_TRUE(test_support::wait_until([&] { return !w.events(core::AppWhat::execution).empty(); }, 5s,
                                       "the POST to be running"));
  EXPECT_EQ(w.engine->stop("blue-blue-1", 10s, {}), 0);
  EXPECT_EQ(held.get().status, 0);
  const auto cuts = w.events(core::AppWhat::cut);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts.front().request_id, 42u);
  EXPECT_EQ(cuts.front().detail, "signal=SIGTERM");
  ASSERT_EQ(w.events(core::AppWhat::exited).size(), 1u);
  EXPECT_EQ(w.events(core::AppWhat::exited).front().detail, "code=0 signal=SIGTERM");
}

// Goal: 14.1 drains on SIGTERM: the held request is answered, nothing is cut, exit 0.
TEST(RealNextServer, Next14FinishesTheRequestInFlightOnSigterm) {
  RealWorld w("14.1", 0s);
  SKIP_WITHOUT_REAL_APP(w);
  w.run(R"(["node", "server.js"])");
  ASSERT_TRUE(w.ready());
  auto held = w.held_request("POST", "/api/echo", 43, 3000);
  ASSERT_TRUE(test_support::wait_until([&] { return !w.events(core::AppWhat::execution).empty(); }, 5s,
                                       "the POST to be running"));
  EXPECT_EQ(w.engine->stop("blue-blue-1", 100s, {}), 0);
  EXPECT_EQ(held.get().status, 200);
  EXPECT_TRUE(w.events(core::AppWhat::cut).empty());
  EXPECT_EQ(w.events(core::AppWhat::draining).size(), 1u);
}

// Goal: `npm start` as PID 1 never passes SIGTERM on: Docker's SIGKILL at the grace period ends the
// container with 137 and cuts what was in flight (R06).
TEST(RealNextServer, NpmStartAsPid1IsKilledAtTheGracePeriod) {
  RealWorld w("14.1", 0s);
  SKIP_WITHOUT_REAL_APP(w);
  w.run(R"(["npm", "start"])");
  ASSERT_TRUE(w.ready());
  EXPECT_NE(w.events(core::AppWhat::starting).front().detail.find("sigterm=ignore"), std::string::npos);
  auto held = w.held_request("POST", "/api/echo", 44, 20000);
  ASSERT_TRUE(test_support::wait_until([&] { return !w.events(core::AppWhat::execution).empty(); }, 5s,
                                       "the POST to be running"));
  EXPECT_EQ(w.engine->stop("blue-blue-1", 2s, {}), 137);
  EXPECT_EQ(held.get().status, 0);
  const auto cuts = w.events(core::AppWhat::cut);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts.front().request_id, 44u);
  EXPECT_EQ(w.events(core::AppWhat::exited).front().detail, "code=137 signal=SIGKILL");
}

}  // namespace
}  // namespace bg::fakes
