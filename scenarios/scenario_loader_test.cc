#include "scenarios/scenario_loader.h"

#include <gtest/gtest.h>

#include <fstream>

namespace bg::scenarios {
namespace {

// A scratch scenario folder with an appspec and a proxy config, and the given scenario.yaml.
std::filesystem::path make_dir(const std::string& yaml) {
  static int n = 0;
  auto dir = std::filesystem::temp_directory_path() / ("bg-scn-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "appspec.yml") << "version: 0.0\n";
  std::ofstream(dir / "nginx.conf") << "events {}\n";
  std::ofstream(dir / "scenario.yaml") << yaml;
  return dir;
}

std::string error_of(const std::string& yaml) {
  auto dir = make_dir(yaml);
  try {
    load_scenario(dir);
  } catch (const ScenarioError& e) {
    std::filesystem::remove_all(dir);
    return e.what();
  }
  std::filesystem::remove_all(dir);
  return "";
}

}  // namespace

// Goal: every documented key is read, durations and ranges included.
TEST(ScenarioLoader, ReadsEverySection) {
  auto dir = make_dir(R"(name: demo
seed: 7
time_scale: 0.05
app: {next_version: "14.1", listen_delay: {min: 2s, max: 4s}, prepare_delay: 500ms}
docker: {build_duration: 5s, userland_proxy: false}
proxy: {config: nginx.conf, files: [upstream.conf]}
traffic: {rate: 25, clients: 2, post_ratio: 0.5, timeout: 10s}
run: {swaps: 3, warmup: 2s, swap_interval: 4s, liveness: 6s}
expect: {verdict: violated, invariant: no_failed_requests}
)");
  Scenario s = load_scenario(dir);
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_DOUBLE_EQ(s.time_scale, 0.05);
  EXPECT_EQ(s.app.next_version, "14.1");
  EXPECT_EQ(s.app.listen_delay.min, core::Duration(2'000'000));
  EXPECT_EQ(s.app.listen_delay.max, core::Duration(4'000'000));
  EXPECT_TRUE(s.app.prepare_delay.fixed());
  EXPECT_FALSE(s.docker.userland_proxy);
  EXPECT_EQ(s.proxy.files.size(), 1u);
  EXPECT_EQ(s.traffic.clients, 2);
  EXPECT_EQ(s.run.swaps, 3);
  ASSERT_TRUE(s.expect);
  EXPECT_EQ(s.expect->verdict, Verdict::violated);
  EXPECT_EQ(s.expect->invariant, "no_failed_requests");
  std::filesystem::remove_all(dir);
}

// Goal: a malformed scenario names file, line and what was expected.
TEST(ScenarioLoader, UnknownKeyNamesFileAndLine) {
  std::string err = error_of("seed: 1\ntraffic:\n  rat: 5\n");
  EXPECT_NE(err.find("scenario.yaml:3:3"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown key 'rat'"), std::string::npos) << err;
}

TEST(ScenarioLoader, BadDurationNamesLineAndForm) {
  std::string err = error_of("run:\n  swaps: 2\n  liveness: soon\n");
  EXPECT_NE(err.find("scenario.yaml:3:13"), std::string::npos) << err;
  EXPECT_NE(err.find("duration"), std::string::npos) << err;
}

TEST(ScenarioLoader, YamlSyntaxErrorNamesLine) {
  std::string err = error_of("seed: 1\napp: {next_version: 12\n");
  EXPECT_NE(err.find("scenario.yaml:"), std::string::npos) << err;
  EXPECT_EQ(err.find("scenario.yaml:1:"), std::string::npos) << err;
}

TEST(ScenarioLoader, RejectsOutOfRangeValues) {
  EXPECT_NE(error_of("traffic: {post_ratio: 2}\n").find("post_ratio"), std::string::npos);
  EXPECT_NE(error_of("expect: {verdict: maybe}\n").find("held or violated"), std::string::npos);
  EXPECT_NE(error_of("time_scale: 0\n").find("time_scale"), std::string::npos);
}

// Goal: `proxy.engine` picks the proxy a run is served by, bluegreen's own unless it says nginx.
TEST(ScenarioLoader, ProxyEngineDefaultsToBluegreenAndReadsNginx) {
  auto plain = make_dir("seed: 1\n");
  EXPECT_EQ(load_scenario(plain).proxy.engine, "bluegreen");
  std::filesystem::remove_all(plain);
  auto nginx = make_dir("proxy: {engine: nginx}\n");
  EXPECT_EQ(load_scenario(nginx).proxy.engine, "nginx");
  std::filesystem::remove_all(nginx);
}

// Goal: an engine that is neither is refused with its line and the two choices.
TEST(ScenarioLoader, UnknownProxyEngineNamesLineAndChoices) {
  std::string err = error_of("proxy:\n  engine: haproxy\n");
  EXPECT_NE(err.find("scenario.yaml:2:11"), std::string::npos) << err;
  EXPECT_NE(err.find("bluegreen"), std::string::npos) << err;
  EXPECT_NE(err.find("nginx"), std::string::npos) << err;
}

}  // namespace bg::scenarios
