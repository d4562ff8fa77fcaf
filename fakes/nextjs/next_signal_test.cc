// End to end through the fake Docker engine: whether `docker stop`'s SIGTERM reaches the fake
// Next.js app depends on what the image runs as PID 1 (races.md R06, semantics.md §3 and §5).
#include <gtest/gtest.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/signal_delivery.h"
#include "fakes/docker/docker_test_support.h"
#include "fakes/nextjs/next_server.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;

// An engine whose containers run a 14.1 NextServer (graceful on SIGTERM when it gets it).
struct SignalWorld {
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  test_support::IoThread io;
  std::unique_ptr<DockerEngine> engine;

  SignalWorld() {
    EngineOptions options;
    options.build_duration = 1s;
    NextAppProfile profile;
    profile.version = "14.1";
    profile.listen_delay = 0s;
    profile.prepare_delay = 0s;
    engine = std::make_unique<DockerEngine>(io.io(), clock, history, ports, core::Rng(3), options,
                                            NextServer::factory(io.io(), clock, history, ports, core::Rng(4),
                                                                [profile](const ProcessSpec&) { return profile; }));
  }

  // Builds `dockerfile`, runs it as blue-blue-1 (init as given), waits for the app to be ready and
  // stops it with a 2 s grace period; returns the exit code.
  int run_and_stop(const std::string& dockerfile, bool init) {
    engine->build(parse_dockerfile(dockerfile), "app", {});
    ContainerSpec spec;
    spec.project = "blue";
    spec.service = "blue";
    spec.image = "app";
    spec.name = "blue-blue-1";
    spec.init = init;
    engine->create(spec);
    engine->start("blue-blue-1");
    EXPECT_TRUE(test_support::wait_until(
        clock, [&] { return app_event(core::AppWhat::ready); }, 200s, "the app to be ready"));
    return engine->stop("blue-blue-1", 2s, {});
  }
  bool app_event(core::AppWhat what) const {
    for (const auto& e : history.all<core::AppEvent>())
      if (e.what == what) return true;
    return false;
  }
};

// Goal: the pure rule: exec form / `exec` / init:true reach node; shell form and npm/yarn do not.
TEST(SignalDelivery, DependsOnPid1) {
  EXPECT_TRUE(signal_delivery({"docker-entrypoint.sh", "node", "server.js"}, false).reaches_app);
  EXPECT_FALSE(signal_delivery({"docker-entrypoint.sh", "/bin/sh", "-c", "node server.js"}, false).reaches_app);
  EXPECT_TRUE(signal_delivery({"/bin/sh", "-c", "exec node server.js"}, false).reaches_app);
  EXPECT_FALSE(signal_delivery({"docker-entrypoint.sh", "npm", "start"}, false).reaches_app);
  EXPECT_FALSE(signal_delivery({"yarn", "start"}, false).reaches_app);
  EXPECT_TRUE(signal_delivery({"npm", "start"}, true).reaches_app);
  EXPECT_TRUE(signal_delivery({}, false).reaches_app);
}

// Goal: exec-form CMD: node gets SIGTERM and (14.1) exits 0 well before the grace period.
TEST(SignalDelivery, ExecFormCmdStopsWithExit0) {
  SignalWorld w;
  EXPECT_EQ(w.run_and_stop("FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n", false), 0);
  for (const auto& e : w.history.all<core::ContainerEvent>()) EXPECT_NE(e.what, core::ContainerWhat::killed);
}

// Goal: shell-form CMD: /bin/sh swallows SIGTERM, Docker SIGKILLs at the grace period: 137 (R06),
// and the history says why.
TEST(SignalDelivery, ShellFormCmdIsKilledAtGracePeriodWith137) {
  SignalWorld w;
  EXPECT_EQ(w.run_and_stop("FROM node:16-alpine\nCMD node server.js\n", false), 137);
  bool killed = false, explained = false;
  for (const auto& e : w.history.all<core::ContainerEvent>()) {
    killed |= e.what == core::ContainerWhat::killed;
    explained |= e.what == core::ContainerWhat::signal && e.detail.find("/bin/sh -c is PID 1") != std::string::npos;
  }
  EXPECT_TRUE(killed);
  EXPECT_TRUE(explained);
}

// Goal: `npm start` as PID 1 is killed with 137; the same image with compose init: true exits 0.
TEST(SignalDelivery, NpmStartNeedsInitToStopCleanly) {
  const std::string npm = "FROM node:16-alpine\nCMD [\"npm\", \"start\"]\n";
  SignalWorld a;
  EXPECT_EQ(a.run_and_stop(npm, false), 137);
  SignalWorld b;
  EXPECT_EQ(b.run_and_stop(npm, true), 0);
}

// Goal: a compose healthcheck `curl -f http://localhost:3000/api/health` is an HTTP GET to the
// app: the container turns healthy once Next answers 200.
TEST(Healthcheck, CurlTestProbesTheAppOverHttp) {
  SignalWorld w;
  w.engine->build(parse_dockerfile("FROM node:16-alpine\nCMD [\"node\", \"server.js\"]\n"), "app", {});
  ContainerSpec spec;
  spec.project = "blue";
  spec.service = "blue";
  spec.image = "app";
  spec.name = "blue-blue-1";
  Healthcheck check;
  check.test = {"CMD", "curl", "-f", "http://localhost:3000/api/health"};
  check.interval = 2s;
  check.timeout = 100s;
  spec.healthcheck = check;
  EXPECT_EQ(w.engine->create(spec).health, "starting");
  w.engine->start("blue-blue-1");
  EXPECT_TRUE(test_support::wait_until(
      w.clock, [&] { return w.engine->inspect("blue-blue-1")->health == "healthy"; }, 200s,
      "the container to be healthy", 500ms));
  EXPECT_EQ(w.engine->inspect("blue-blue-1")->health, "healthy");
}

}  // namespace
}  // namespace bg::fakes
