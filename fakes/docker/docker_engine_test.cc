#include "fakes/docker/docker_engine.h"

#include <gtest/gtest.h>

#include "fakes/docker/docker_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
using test_support::EchoProcess;
using test_support::probe;

Dockerfile node_image() {
  return parse_dockerfile("FROM node:16-alpine\nENV PORT 3000\nCMD [\"node\", \"server.js\"]\n");
}

// One engine with a built image; processes are EchoProcesses with a per-test behaviour.
struct World {
  core::ScaledClock clock{0.01};
  core::History history;
  core::PortMap ports;
  test_support::IoThread io;
  EchoProcess::Behaviour behaviour;
  std::vector<EchoProcess*> processes;
  std::mutex mutex;
  std::unique_ptr<DockerEngine> engine;

  explicit World(EngineOptions options = {}) {
    options.build_duration = 1s;
    engine = std::make_unique<DockerEngine>(
        io.io(), clock, history, ports, core::Rng(7), options, [this](const ProcessSpec& spec) {
          auto p = std::make_unique<EchoProcess>(io.io(), ports, clock, spec, behaviour);
          std::lock_guard lock(mutex);
          processes.push_back(p.get());
          return p;
        });
    engine->build(node_image(), "docker-image", {});
  }
  ~World() { engine.reset(); }  // shutdown before the io thread and ports go

  ContainerSpec spec(const std::string& color, uint16_t published) {
    return ContainerSpec{color, color, "docker-image", {{"", published, 3000, "tcp"}}, {}, "", std::nullopt, {},
                         "h",   ""};
  }
  std::vector<std::string> whats(const std::string& container) {
    std::vector<std::string> out;
    for (const auto& e : history.all<core::ContainerEvent>())
      if (e.container == container)
        out.push_back(std::string(core::container_what_name(e.what)) + (e.detail.empty() ? "" : ":" + e.detail));
    return out;
  }
};

// Goal: `up` returns at container start, not when the app listens (race R01/R02): the container
// is running, and its host port accepts and closes while the app is still booting.
TEST(DockerEngine, StartReturnsBeforeTheAppListens) {
  World w;
  w.behaviour.listen_after = 100s;  // far beyond the test
  auto c = w.engine->create(w.spec("blue", 3000));
  EXPECT_EQ(c.name, "blue-blue-1");
  w.engine->start(c.name);
  EXPECT_EQ(w.engine->inspect(c.name)->state, ContainerState::running);
  test_support::Probe p = probe(w.ports.map(3000), "GET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(p.connected);
  EXPECT_TRUE(p.eof);
  EXPECT_EQ(p.data, "");
  ASSERT_EQ(w.processes.size(), 1u);
  EXPECT_FALSE(w.processes[0]->listening());
  EXPECT_EQ(w.processes[0]->spec().build_id, w.engine->image("docker-image")->build_id);
  EXPECT_EQ(w.processes[0]->spec().env.at("PORT"), "3000");
}

// Goal: stop sends SIGTERM and waits for the exit; remove waits for the endpoint teardown, so
// the host port refuses once it returns; every step is in the history.
TEST(DockerEngine, StopSendsSigtermAndRemoveFreesTheHostPort) {
  World w;
  auto c = w.engine->create(w.spec("green", 3001));
  w.engine->start(c.name);
  uint16_t host = w.ports.map(3001);
  test_support::Probe served;
  EXPECT_TRUE(test_support::wait_until(
      w.clock, [&] { return !(served = probe(host, "hi")).data.empty(); }, 10s,
      "the app to echo through the host port"));
  EXPECT_EQ(served.data, "hi");
  EXPECT_EQ(w.engine->stop(c.name, std::nullopt, {}), 0);
  EXPECT_EQ(w.engine->inspect(c.name)->state, ContainerState::exited);
  w.engine->remove(c.name, {});
  EXPECT_FALSE(w.engine->inspect(c.name));
  EXPECT_EQ(probe(host).connect_errno, ECONNREFUSED);
  EXPECT_EQ(w.whats(c.name),
            (std::vector<std::string>{"created:docker-image:latest", "port_published:0.0.0.0:3001->3000/tcp",
                                      "started:docker-image:latest", "stop_requested:timeout 10.000s", "signal:SIGTERM",
                                      "exited", "port_unpublished:3001", "removed"}));
}

// Goal: each container instance has its own address on the run's network, where its app serves;
// once the container is removed its name no longer resolves and the old address refuses (held for
// the run), and the instance created under the same name has another address (races.md R18).
TEST(DockerEngine, EveryInstanceHasItsOwnAddressAndAStaleOneRefuses) {
  World w;
  auto c = w.engine->create(w.spec("blue", 3000));
  auto first = w.engine->network().resolve("blue-blue-1", 3000);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(w.engine->network().resolve("blue", 3000), first);  // the service name is an alias
  EXPECT_EQ(w.ports.map(first[0]), first[0]);                   // the address is connected to as itself
  w.engine->start(c.name);
  test_support::Probe served;
  EXPECT_TRUE(test_support::wait_until(
      w.clock, [&] { return !(served = probe(first[0], "hi")).data.empty(); }, 10s,
      "the app to echo on the container's address"));
  EXPECT_EQ(served.data, "hi");
  w.engine->stop(c.name, std::nullopt, {});
  w.engine->remove(c.name, {});
  EXPECT_TRUE(w.engine->network().resolve("blue-blue-1", 3000).empty());
  EXPECT_EQ(probe(first[0]).connect_errno, ECONNREFUSED);
  w.engine->create(w.spec("blue", 3000));
  auto second = w.engine->network().resolve("blue-blue-1", 3000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0], first[0]);
}

// Goal: a process that ignores SIGTERM (npm as PID 1, race R06) is SIGKILLed after the grace
// period and exits 137.
TEST(DockerEngine, IgnoredSigtermIsKilledAfterTheGracePeriod) {
  World w;
  w.behaviour.ignore_sigterm = true;
  auto c = w.engine->create(w.spec("blue", 3000));
  w.engine->start(c.name);
  core::Time before = w.clock.now();
  EXPECT_EQ(w.engine->stop(c.name, 5s, {}), 137);
  EXPECT_GE(w.clock.now() - before, 5s);  // the grace period was waited out (scenario time)
  auto rec = w.engine->inspect(c.name);
  EXPECT_EQ(rec->state, ContainerState::exited);
  EXPECT_EQ(rec->exit_code, 137);
  auto whats = w.whats(c.name);
  EXPECT_NE(std::find(whats.begin(), whats.end(), "killed:grace period 5.000s expired"), whats.end());
  EXPECT_NE(std::find(whats.begin(), whats.end(), "signal:SIGKILL"), whats.end());
}

// Goal: kill (the app dies as on `docker kill` or the OOM killer) ends the process at once, with no
// stop request and no grace: exited (137), the host port refuses after teardown, and nothing
// restarts it; killing it again changes nothing.
TEST(DockerEngine, KillEndsTheAppAtOnceWithExit137AndNoRestart) {
  World w;
  w.behaviour.ignore_sigterm = true;  // SIGKILL is not a signal the app can refuse
  auto c = w.engine->create(w.spec("blue", 3000));
  w.engine->start(c.name);
  const uint16_t host = w.ports.map(3000);
  EXPECT_TRUE(w.engine->kill(c.name));
  EXPECT_TRUE(test_support::wait_until(
      w.clock, [&] { return w.engine->inspect(c.name)->state != ContainerState::running; }, 2s,
      "the killed container to stop running", 10ms));
  auto rec = w.engine->inspect(c.name);
  EXPECT_EQ(rec->state, ContainerState::exited);
  EXPECT_EQ(rec->exit_code, 137);
  EXPECT_TRUE(test_support::wait_until(
      w.clock, [&] { return probe(host).connect_errno == ECONNREFUSED; }, 2s, "the host port to refuse", 10ms));
  EXPECT_FALSE(w.engine->kill(c.name));
  EXPECT_EQ(w.engine->inspect(c.name)->state, ContainerState::exited);
  EXPECT_EQ(w.whats(c.name), (std::vector<std::string>{
                                 "created:docker-image:latest", "port_published:0.0.0.0:3000->3000/tcp",
                                 "started:docker-image:latest", "signal:SIGKILL", "exited", "port_unpublished:3000"}));
}

// Goal: a second container on a host port already published fails with Docker's message and is
// left `created` (race R11); the first keeps its port.
TEST(DockerEngine, PortConflictLeavesTheContainerCreated) {
  World w;
  w.engine->start(w.engine->create(w.spec("blue", 3000)).name);
  auto other = w.engine->create(w.spec("other", 3000));
  try {
    w.engine->start(other.name);
    FAIL() << "expected a port conflict";
  } catch (const DockerError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("driver failed programming external connectivity on endpoint other-other-1 (", 0), 0u) << m;
    EXPECT_NE(m.find("): Bind for 0.0.0.0:3000 failed: port is already allocated"), std::string::npos) << m;
  }
  EXPECT_EQ(w.engine->inspect(other.name)->state, ContainerState::created);
  EXPECT_EQ(w.whats(other.name).back().rfind("start_failed:", 0), 0u);
}

// Goal: builds take build_duration, draw a fresh Next.js build id each time, and move the tag;
// a missing image and a pull fail with Docker's words.
TEST(DockerEngine, BuildsMoveTheTagAndMissingImagesFail) {
  World w;
  Image first = *w.engine->image("docker-image:latest");
  core::Time before = w.clock.now();
  w.engine->build(node_image(), "docker-image", {});
  EXPECT_GE(w.clock.now() - before, 1s);
  Image second = *w.engine->image("docker-image");
  EXPECT_NE(first.id, second.id);
  EXPECT_NE(first.build_id, second.build_id);
  EXPECT_EQ(second.build_id.size(), 21u);
  EXPECT_THROW(w.engine->create(ContainerSpec{"p", "s", "nope", {}, {}, "", std::nullopt, {}, "", ""}), DockerError);
  try {
    w.engine->pull("docker-tag");
  } catch (const DockerError& e) {
    EXPECT_STREQ(e.what(),
                 "pull access denied for docker-tag, repository does not exist or may require 'docker login': "
                 "denied: requested access to the resource is denied");
  }
  std::stop_source cancelled;
  cancelled.request_stop();
  EXPECT_THROW(w.engine->build(node_image(), "x", cancelled.get_token()), DockerError);
}

// Goal: a build_duration range is drawn per build from a stream of the engine's own: each build's
// image_built event says what it drew and from where, and the build ids a seed gives are the same as
// with a fixed duration (the draws shift no other number of the engine).
TEST(DockerEngine, EachBuildDrawsItsDurationFromTheRange) {
  struct Builds {
    std::vector<std::string> details, build_ids;
  };
  auto build_three = [](core::DurationRange range) {
    core::ScaledClock clock{0.01};
    core::History history;
    core::PortMap ports;
    test_support::IoThread io;
    EngineOptions options;
    options.build_duration = range;
    DockerEngine engine(io.io(), clock, history, ports, core::Rng(7), options,
                        [](const ProcessSpec&) -> std::unique_ptr<ContainerProcess> { return nullptr; });
    Builds out;
    for (int i = 0; i < 3; ++i) out.build_ids.push_back(engine.build(node_image(), "web", {}).image.build_id);
    for (const auto& e : history.all<core::DeployEvent>())
      if (e.kind == core::DeployEventKind::image_built) out.details.push_back(e.detail);
    engine.shutdown();
    return out;
  };
  const core::DurationRange range{1s, 3s};
  const Builds ranged = build_three(range), again = build_three(range), fixed = build_three(2s);
  ASSERT_EQ(ranged.details.size(), 3u);
  core::Rng draws = core::Rng(7).child("build_duration");  // the engine's stream, as it derives it
  for (const auto& detail : ranged.details)
    EXPECT_NE(detail.find(core::drawn_note("build_duration", range.draw(draws), range)), std::string::npos) << detail;
  EXPECT_EQ(ranged.details, again.details);
  EXPECT_EQ(ranged.build_ids, fixed.build_ids);
  for (const auto& detail : fixed.details) EXPECT_EQ(detail.find("drawn"), std::string::npos) << detail;
}

// Goal: shutdown kills what still runs and closes every published port, leaving nothing open.
TEST(DockerEngine, ShutdownKillsEverythingAndClosesPorts) {
  World w;
  w.behaviour.ignore_sigterm = true;
  w.engine->start(w.engine->create(w.spec("blue", 3000)).name);
  w.engine->shutdown();
  EXPECT_EQ(w.engine->inspect("blue-blue-1")->exit_code, 137);
  EXPECT_EQ(probe(w.ports.map(3000)).connect_errno, ECONNREFUSED);
}

}  // namespace
}  // namespace bg::fakes
