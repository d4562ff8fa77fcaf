// A whole run on the deterministic engine (--engine sim): the user's deploy files and hook scripts,
// real bash processes, on a VirtualClock and the in-memory network. A script holds scenario time
// still while it computes, its shim calls let it pass, and what the engine cannot hold (a script that
// never calls a shim, the real nginx) ends the run as an error that names it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "fakes/codedeploy/agent.h"
#include "judge/judge.h"
#include "scenarios/scenario_loader.h"
#include "sim/process_census.h"
#include "sim/run.h"
#include "sim/world.h"

namespace bg::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kData = fs::path(BG_SOURCE_DIR) / "scenarios/data";

// A deployment folder whose ApplicationStart hook is `script` (no Docker), with the seed's nginx.conf.
class HookFolder {
 public:
  explicit HookFolder(const std::string& script) {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("bg-world-sim-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_ / "scripts");
    std::ofstream(dir_ / "appspec.yml") << "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: "
                                           "/home/ec2-user/app\nhooks:\n  ApplicationStart:\n"
                                        << "    - location: scripts/start.sh\n      timeout: 3600\n";
    std::ofstream(dir_ / "scripts/start.sh") << "#!/bin/bash\n" << script << "\n";
    fs::permissions(dir_ / "scripts/start.sh", fs::perms::owner_all);
    fs::copy_file(kData / "seed/nginx.conf", dir_ / "nginx.conf");
    std::ofstream(dir_ / "scenario.yaml") << "seed: 1\nrun: {swaps: 0, warmup: 1s, liveness: 1s}\ntraffic: {rate: 5}\n";
  }
  ~HookFolder() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  scenarios::Scenario load() const { return scenarios::load_scenario(dir_); }

 private:
  fs::path dir_;
};

WorldOptions on_sim() {
  WorldOptions o;
  o.engine = Engine::sim;
  return o;
}

}  // namespace

// Goal: the seed, run as written on the deterministic engine, is refuted as it is live: requests
// fail (nginx's "no live upstreams" after both peers were marked failed), and the replay line names
// the engine so that it reruns this very case.
TEST(WorldSim, SeedViolatesOnTheDeterministicEngineAsLive) {
  RunOptions o;
  o.engine = Engine::sim;
  const auto r = run_scenario(scenarios::load_scenario(kData / "seed"), o);
  ASSERT_TRUE(judge::ran_to_its_end(r)) << r.error;
  EXPECT_EQ(r.verdict, core::Verdict::violated);
  EXPECT_TRUE(r.as_expected);
  EXPECT_EQ(r.engine, "sim");
  EXPECT_NE(r.replay_command.find("--engine sim"), std::string::npos) << r.replay_command;
  EXPECT_EQ(r.replay_command.find("--time-scale"), std::string::npos) << r.replay_command;
  EXPECT_GT(r.failed, 0);
  EXPECT_GT(r.ok, r.failed);  // traffic flowed between the swaps
}

// Goal: `sleep` in a hook is scenario time: half an hour passes on the clock, the hook succeeds, and the
// run costs nothing like half an hour (the test's own ctest timeout bounds it).
TEST(WorldSim, ScriptSleepIsScenarioTime) {
  HookFolder folder("echo before\nsleep 1800\necho after");
  World world(folder.load(), on_sim());
  world.start();
  const auto d = world.deploy(0);
  EXPECT_TRUE(d.succeeded) << d.error;
  EXPECT_GE(world.clock().now(), core::Time(1800s));
  EXPECT_LT(world.clock().now(), core::Time(1900s));
  world.shutdown();
}

// Goal: a script that computes without ever calling a program bluegreen stands in for would hold
// scenario time still for ever; the engine stops it after its real-time limit and the run ends as
// an error that says why and what to do, never as a verdict, leaving no process behind.
TEST(WorldSim, ScriptThatSpinsWithoutAShimCallEndsTheRunAsAnError) {
  HookFolder folder("while :; do :; done");
  const auto before = ProcessCensus::take();
  {
    WorldOptions o = on_sim();
    o.script_spin_limit = 500ms;
    World world(folder.load(), o);
    world.start();
    const auto d = world.deploy(0);
    EXPECT_FALSE(d.succeeded);
    const auto failure = world.harness_failure();
    ASSERT_TRUE(failure.has_value());
    EXPECT_NE(failure->find("without calling any program bluegreen stands in for"), std::string::npos) << *failure;
    EXPECT_NE(failure->find("--engine live"), std::string::npos) << *failure;
    world.shutdown();
  }
  const auto after = ProcessCensus::take();
  EXPECT_EQ(after.children, 0) << after.children_detail;
  EXPECT_EQ(after.threads, before.threads);
}

// Goal: what runs on real time is refused on the deterministic engine by name, before anything runs.
TEST(WorldSim, RealNginxAndRealNextAreRefusedByName) {
  auto nginx = scenarios::load_scenario(kData / "seed");
  nginx.proxy.engine = "nginx";
  RunOptions o;
  o.engine = Engine::sim;
  auto r = run_scenario(nginx, o);
  EXPECT_EQ(r.verdict, core::Verdict::error);
  EXPECT_NE(r.error.find("proxy.engine nginx (--proxy nginx)"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("--engine sim"), std::string::npos) << r.error;
  auto real = scenarios::load_scenario(kData / "seed");
  real.app.engine = "real";
  r = run_scenario(real, o);
  EXPECT_EQ(r.verdict, core::Verdict::error);
  EXPECT_NE(r.error.find("app.engine real (--app real)"), std::string::npos) << r.error;
}

}  // namespace bg::sim
