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

// Goal: the pipeline section sets build time, concurrency, waiting and the pushes of each swap.
TEST(ScenarioLoader, ReadsPipelineSettings) {
  auto dir = make_dir(R"(pipeline:
  build_duration: 5s
  concurrency: {group: deploy-prod, cancel_in_progress: true}
  wait_for_deployment: true
  pushes: [0s, 3s]
)");
  Scenario s = load_scenario(dir);
  EXPECT_EQ(s.pipeline.build_duration, core::Duration(5'000'000));
  EXPECT_EQ(s.pipeline.concurrency_group, "deploy-prod");
  EXPECT_TRUE(s.pipeline.cancel_in_progress);
  EXPECT_TRUE(s.pipeline.wait_for_deployment);
  ASSERT_EQ(s.pipeline.pushes.size(), 2u);
  EXPECT_EQ(s.pipeline.pushes[1], core::Duration(3'000'000));
  std::filesystem::remove_all(dir);
}

// Goal: without a pipeline section a swap is one push deployed at once (the runs before pipelines).
TEST(ScenarioLoader, PipelineDefaultsToOneImmediatePush) {
  auto dir = make_dir("seed: 1\n");
  Scenario s = load_scenario(dir);
  EXPECT_EQ(s.pipeline.build_duration, core::Duration{});
  EXPECT_TRUE(s.pipeline.concurrency_group.empty());
  ASSERT_EQ(s.pipeline.pushes.size(), 1u);
  EXPECT_EQ(s.pipeline.pushes[0], core::Duration{});
  std::filesystem::remove_all(dir);
}

// Goal: malformed pipeline settings name file, line and what was expected.
TEST(ScenarioLoader, MalformedPipelineNamesLine) {
  std::string err = error_of("seed: 1\npipeline:\n  pushes: [3s, 1s]\n");
  EXPECT_NE(err.find("scenario.yaml:3:16"), std::string::npos) << err;
  EXPECT_NE(err.find("increasing order"), std::string::npos) << err;
  err = error_of("pipeline:\n  concurrency: {cancel_in_progress: true}\n");
  EXPECT_NE(err.find("scenario.yaml:2:16"), std::string::npos) << err;
  EXPECT_NE(err.find("non-empty group"), std::string::npos) << err;
  err = error_of("pipeline:\n  concurrency: {group: g, cancel: yes}\n");
  EXPECT_NE(err.find("unknown key 'cancel'"), std::string::npos) << err;
  err = error_of("pipeline: {pushes: []}\n");
  EXPECT_NE(err.find("non-empty list"), std::string::npos) << err;
}

// Goal: the client-traffic keys (arrivals, keep-alive, browser sessions) and the app's
// keepAliveTimeout are read, and default to the old open-loop, connection-per-request traffic.
TEST(ScenarioLoader, ReadsTrafficShapeAndKeepAliveTimeout) {
  auto dir = make_dir(R"(app: {keep_alive_timeout: 2s, shared_static: true}
traffic: {arrivals: poisson, keepalive: true, browser: true, api_get_ratio: 0.25}
)");
  Scenario s = load_scenario(dir);
  EXPECT_EQ(s.traffic.arrivals, "poisson");
  EXPECT_TRUE(s.traffic.keepalive);
  EXPECT_TRUE(s.traffic.browser);
  EXPECT_DOUBLE_EQ(s.traffic.api_get_ratio, 0.25);
  ASSERT_TRUE(s.app.keep_alive_timeout);
  EXPECT_EQ(*s.app.keep_alive_timeout, core::Duration(2'000'000));
  EXPECT_TRUE(s.app.shared_static);
  std::filesystem::remove_all(dir);

  dir = make_dir("seed: 1\n");
  s = load_scenario(dir);
  EXPECT_EQ(s.traffic.arrivals, "constant");
  EXPECT_FALSE(s.traffic.keepalive);
  EXPECT_FALSE(s.traffic.browser);
  EXPECT_FALSE(s.app.keep_alive_timeout);
  std::filesystem::remove_all(dir);
}

// Goal: a wrong arrivals word, a non-boolean keepalive or a zero keepAliveTimeout is rejected by name.
TEST(ScenarioLoader, RejectsBadTrafficShape) {
  EXPECT_NE(error_of("traffic: {arrivals: bursty}\n").find("constant or poisson"), std::string::npos);
  EXPECT_NE(error_of("traffic: {api_get_ratio: 1.5}\n").find("api_get_ratio"), std::string::npos);
  EXPECT_NE(error_of("traffic: {keepalive: sometimes}\n").find("traffic.keepalive"), std::string::npos);
  EXPECT_NE(error_of("app: {keep_alive_timeout: 0s}\n").find("keep_alive_timeout"), std::string::npos);
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

// Goal: `proxy.start` defers the proxy's start to after the initial deployment only when it says
// so, and refuses anything else with the two choices.
TEST(ScenarioLoader, ProxyStartIsBeforeDeploymentUnlessDeferred) {
  auto plain = make_dir("seed: 1\n");
  EXPECT_FALSE(load_scenario(plain).proxy.start_after_initial_deployment);
  std::filesystem::remove_all(plain);
  auto later = make_dir("proxy: {start: after_initial_deployment}\n");
  EXPECT_TRUE(load_scenario(later).proxy.start_after_initial_deployment);
  std::filesystem::remove_all(later);
  std::string err = error_of("proxy: {start: whenever}\n");
  EXPECT_NE(err.find("before_deployment"), std::string::npos) << err;
  EXPECT_NE(err.find("after_initial_deployment"), std::string::npos) << err;
}

// Goal: docker.registry names the images a pull can fetch and what each runs; a bad entry names
// its line.
TEST(ScenarioLoader, ReadsTheDockerRegistry) {
  auto dir = make_dir(
      "docker:\n  registry:\n    - {image: \"nginx:1.25-alpine\", runs: nginx}\n    - {image: ghcr.io/acme/web:latest}\n");
  Scenario s = load_scenario(dir);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(s.docker.registry.size(), 2u);
  EXPECT_EQ(s.docker.registry[0].image, "nginx:1.25-alpine");
  EXPECT_EQ(s.docker.registry[0].runs, "nginx");
  EXPECT_EQ(s.docker.registry[1].runs, "app");
  EXPECT_NE(error_of("docker:\n  registry:\n    - {image: x, runs: redis}\n").find(":3:"), std::string::npos);
  EXPECT_NE(error_of("docker:\n  registry:\n    - {runs: app}\n").find("needs an 'image'"), std::string::npos);
  EXPECT_NE(error_of("docker:\n  registry: nginx\n").find("must be a list"), std::string::npos);
}

}  // namespace bg::scenarios
