#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/sanitizer_slowdown.h"
#include "proxy/real_nginx.h"

#include "scenarios/scenario_loader.h"
#include "judge/judge.h"
#include "sim/process_census.h"
#include "sim/real_app.h"
#include "sim/run.h"

namespace bg::sim {
namespace {

// seed-fixed cut to one swap of a few scenario seconds. 0.1, not 0.05: beside the catalogue in a
// parallel ctest, a quarter of the sends at 0.05 were late and the run ended as a harness error
// before anything was counted.
void shorten(scenarios::Scenario& s) {
  using namespace std::chrono_literals;
  s.time_scale = 0.1 * core::kSanitizerSlowdown;
  s.app.listen_delay = {1s, 1s};
  s.docker.build_duration = 1s;
  s.run.swaps = 1;
  s.run.warmup = 2s;
  s.run.swap_interval = 2s;
  s.run.liveness = 2s;
}

struct RemoveAtEnd {
  std::filesystem::path dir;
  ~RemoveAtEnd() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// The run sent requests and left no descriptor, thread, child or listening socket behind.
void expect_nothing_left(const reports::RunResult& result, const ProcessCensus& before, const ProcessCensus& after) {
  EXPECT_GT(result.requests, 0);
  EXPECT_EQ(after.fds, before.fds);
  EXPECT_EQ(after.threads, before.threads);
  EXPECT_EQ(after.children, 0) << after.children_detail;
  EXPECT_EQ(after.listening, before.listening);
}

}  // namespace

// Goal: a whole run — proxy, Docker engine, apps, shims, hook scripts, traffic — leaves no
// descriptor, thread, child process or listening socket behind (design.md "Ports and processes").
TEST(World, RunLeavesNoProcessThreadOrSocketBehind) {
  auto s = scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed-fixed");
  shorten(s);

  const auto before = ProcessCensus::take();
  auto result = run_scenario(s, RunOptions{});
  const auto after = ProcessCensus::take();

  ASSERT_TRUE(judge::ran_to_its_end(result)) << result.error;
  expect_nothing_left(result, before, after);
}

// Goal: a run behind the real nginx (proxy.engine nginx) leaves no nginx master or worker behind
// (its process group is gone), nor any child, descriptor, thread or listening socket.
TEST(World, RunBehindRealNginxLeavesNoNginxProcessBehind) {
  if (!proxy::RealNginx::available()) GTEST_SKIP() << "/usr/sbin/nginx is not installed (tools/setup.sh installs it)";
  auto s = scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed-fixed");
  s.proxy.engine = "nginx";
  shorten(s);
  const auto out = std::filesystem::temp_directory_path() / ("bg_leak_nginx_" + std::to_string(::getpid()));
  const RemoveAtEnd remove_at_end{out};  // however the test ends: a failed ASSERT returns early

  const auto before = ProcessCensus::take();
  RunOptions options;
  options.out_dir = out;
  auto result = run_scenario(s, options);
  const auto after = ProcessCensus::take();

  ASSERT_TRUE(judge::ran_to_its_end(result)) << result.error;
  expect_nothing_left(result, before, after);
  // The master's pid is its process group's (RealNginx starts it with setpgid); its lifecycle event
  // names it.
  std::ifstream history(result.history_path);
  std::vector<pid_t> masters;
  const std::regex started(R"(nginx pid (\d+) from)");
  for (std::string line; std::getline(history, line);) {
    auto j = nlohmann::json::parse(line);
    std::smatch m;
    const std::string message = j.dump();
    if (message.find("\"started\"") != std::string::npos && std::regex_search(message, m, started))
      masters.push_back(static_cast<pid_t>(std::stol(m[1])));
  }
  ASSERT_FALSE(masters.empty()) << "no nginx start in " << result.history_path;
  for (pid_t pgid : masters) EXPECT_TRUE(::kill(-pgid, 0) != 0 && errno == ESRCH) << "nginx group " << pgid;
}

// Goal: a run whose containers run real Next.js servers (app.engine real) leaves no node process behind
// (each container's process group is gone), nor any child, descriptor, thread or listening socket.
TEST(World, RunWithRealNextLeavesNoNodeProcessBehind) {
  auto s = scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed-fixed");
  s.app.engine = "real";
  try {
    require_real_app(s);
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  shorten(s);
  const auto out = std::filesystem::temp_directory_path() / ("bg_leak_next_" + std::to_string(::getpid()));
  const RemoveAtEnd remove_at_end{out};

  const auto before = ProcessCensus::take();
  RunOptions options;
  options.out_dir = out;
  auto result = run_scenario(s, options);
  const auto after = ProcessCensus::take();

  ASSERT_TRUE(judge::ran_to_its_end(result)) << result.error;
  expect_nothing_left(result, before, after);
  // Each server's `starting` event names its pid, which is its process group's.
  std::ifstream history(result.history_path);
  std::vector<pid_t> servers;
  const std::regex started(R"(real node server\.js pid (\d+))");
  for (std::string line; std::getline(history, line);) {
    std::smatch m;
    if (std::regex_search(line, m, started)) servers.push_back(static_cast<pid_t>(std::stol(m[1])));
  }
  ASSERT_GE(servers.size(), 2u) << "no real server started in " << result.history_path;
  for (pid_t pgid : servers) EXPECT_TRUE(::kill(-pgid, 0) != 0 && errno == ESRCH) << "node group " << pgid;
}

}  // namespace bg::sim
