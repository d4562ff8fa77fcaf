#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "core/run_folder.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/pipeline/pipeline.h"
#include "scenarios/scenario_loader.h"
#include "sim/process_census.h"
#include "sim/world.h"

namespace bg::sim {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A deployment folder with one ApplicationStart script (and the seed's nginx.conf): no Docker,
// so that these tests exercise the pipeline and the agent alone, quickly.
class ScriptOnlyScenario {
 public:
  ScriptOnlyScenario(const std::string& script, int timeout_seconds) {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("bg-world-pipeline-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_ / "scripts");
    std::ofstream(dir_ / "appspec.yml") << "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n"
                                        << "    - location: /scripts/start.sh\n      timeout: " << timeout_seconds
                                        << "\n";
    std::ofstream(dir_ / "scripts/start.sh") << "#!/bin/sh\n" << script << "\n";
    fs::permissions(dir_ / "scripts/start.sh", fs::perms::owner_all);
    fs::copy_file(fs::path(BG_SOURCE_DIR) / "scenarios/data/seed/nginx.conf", dir_ / "nginx.conf");
    std::ofstream(dir_ / "scenario.yaml") << "seed: 1\ntime_scale: 0.02\n";
  }
  ~ScriptOnlyScenario() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  scenarios::Scenario load() const { return scenarios::load_scenario(dir_); }

 private:
  fs::path dir_;
};

WorldOptions fast(double time_scale = 0.02) {
  WorldOptions o;
  o.time_scale = time_scale;
  return o;
}

}  // namespace

// Goal: a hook script that hangs is killed at its appspec timeout, the deployment fails with
// CodeDeploy's wording, and no child of the script outlives the run (semantics.md §4 "Scripts").
TEST(WorldPipeline, HangingHookIsKilledAtItsTimeoutAndLeavesNoChild) {
  ScriptOnlyScenario folder("sleep 600 & /bin/sleep 600", 3);  // the real sleep: a child the shims do not end
  const auto s = folder.load();
  const auto before = ProcessCensus::take();
  {
    World world(s, fast());
    world.start();
    auto d = world.deploy(0);
    EXPECT_FALSE(d.succeeded);
    EXPECT_NE(d.error.find("ApplicationStart failed: Script at specified location: /scripts/start.sh failed to "
                           "complete in 3 seconds"),
              std::string::npos)
        << d.error;
    ASSERT_FALSE(d.hooks.empty());
    ASSERT_FALSE(d.hooks.back().scripts.empty());
    EXPECT_TRUE(d.hooks.back().scripts.back().result.timed_out);
    world.shutdown();
  }
  const auto after = ProcessCensus::take();
  EXPECT_EQ(after.children, 0) << after.children_detail;
  EXPECT_EQ(after.threads, before.threads);
}

// Goal: a swap is a push through the pipeline: a workflow run whose deployment runs the hooks and
// is numbered as the run.
TEST(WorldPipeline, SwapPushesAndDeploysThroughThePipeline) {
  ScriptOnlyScenario folder("echo started", 10);
  const auto s = folder.load();
  World world(s, fast());
  world.start();
  ASSERT_TRUE(world.deploy(0).succeeded);
  auto runs = world.swap();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].number, 1);
  EXPECT_EQ(runs[0].state, fakes::RunState::succeeded) << runs[0].detail;
  ASSERT_TRUE(runs[0].deployment);
  EXPECT_TRUE(runs[0].deployment->succeeded);
  EXPECT_EQ(runs[0].deployment->number, 1);
  EXPECT_EQ(runs[0].sha.size(), 40u);
  world.shutdown();
}

// Goal: two quick pushes without a concurrency group: the second deployment is refused while the
// first is active, and is lost (races.md R12).
TEST(WorldPipeline, SecondQuickPushIsRefusedWithoutAConcurrencyGroup) {
  // Margins for a loaded machine: the second push comes 100 ms (real) after the first, whose
  // deployment lasts 500 ms.
  ScriptOnlyScenario folder("sleep 10", 30);
  auto s = folder.load();
  s.pipeline.pushes = {0s, 2s};
  World world(s, fast(0.05));
  world.start();
  ASSERT_TRUE(world.deploy(0).succeeded);
  auto runs = world.swap();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].state, fakes::RunState::succeeded);
  EXPECT_EQ(runs[1].state, fakes::RunState::failed);
  ASSERT_TRUE(runs[1].deployment);
  EXPECT_TRUE(runs[1].deployment->refused);
  EXPECT_NE(runs[1].detail.find("DeploymentLimitExceededException"), std::string::npos) << runs[1].detail;
  world.shutdown();
}

// Goal: with a concurrency group and a deploy step that waits, the second push deploys after the first.
TEST(WorldPipeline, ConcurrencyGroupWithWaitDeploysBothPushesInTurn) {
  ScriptOnlyScenario folder("sleep 10", 30);
  auto s = folder.load();
  s.pipeline.pushes = {0s, 2s};
  s.pipeline.concurrency_group = "deploy";
  s.pipeline.wait_for_deployment = true;
  World world(s, fast(0.05));
  world.start();
  ASSERT_TRUE(world.deploy(0).succeeded);
  auto runs = world.swap();
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, fakes::RunState::succeeded) << run.detail;
    ASSERT_TRUE(run.deployment);
    EXPECT_TRUE(run.deployment->succeeded);
  }
  world.shutdown();
}

// Goal: bad input found while the run folder is laid out (a malformed appspec) throws with file and
// line, and the half-made run folder does not outlive the World.
TEST(WorldPipeline, MalformedAppspecThrowsAndLeavesNoRunFolder) {
  ScriptOnlyScenario folder("echo started", 10);
  auto s = folder.load();
  const std::string token = "bg-malformed-" + std::to_string(::getpid());
  std::ofstream(s.dir / "appspec.yml") << "version: 0.0\n# " << token << "\nhooks: [unclosed\n";
  std::string message;
  try {
    World world(s, fast());
  } catch (const std::exception& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("appspec.yml:"), std::string::npos) << message;
  // Run folders are bluegreen-* (core/run_folder.h); this one would hold the token in its bundle's
  // appspec.
  for (const auto& folder : core::run_folders()) {
    std::ifstream in(folder / "bundle/appspec.yml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find(token), std::string::npos) << folder;
  }
}

}  // namespace bg::sim
