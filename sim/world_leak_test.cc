#include <gtest/gtest.h>

#include "scenarios/scenario_loader.h"
#include "sim/process_census.h"
#include "sim/run.h"

namespace bg::sim {

// Goal: a whole run — proxy, Docker engine, apps, shims, hook scripts, traffic — leaves no
// descriptor, thread, child process or listening socket behind (design.md "Ports and processes").
TEST(World, RunLeavesNoProcessThreadOrSocketBehind) {
  using namespace std::chrono_literals;
  auto s = scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed-fixed");
  s.time_scale = 0.05;
  s.app.listen_delay = {1s, 1s};
  s.docker.build_duration = 1s;
  s.run.swaps = 1;
  s.run.warmup = 2s;
  s.run.swap_interval = 2s;
  s.run.liveness = 2s;

  const auto before = ProcessCensus::take();
  auto result = run_scenario(s, RunOptions{});
  const auto after = ProcessCensus::take();

  ASSERT_NE(result.verdict, "error") << result.error;
  EXPECT_GT(result.requests, 0);
  EXPECT_EQ(after.fds, before.fds);
  EXPECT_EQ(after.threads, before.threads);
  EXPECT_EQ(after.children, 0) << after.children_detail;
  EXPECT_EQ(after.listening, before.listening);
}

}  // namespace bg::sim
