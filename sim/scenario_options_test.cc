#include "sim/scenario_options.h"

#include <gtest/gtest.h>

#include "fakes/host/host_layout.h"
#include "fakes/shim/shim_protocol.h"

namespace bg::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Goal: the app's settings reach the container's Next.js profile, and the container's own
// KEEP_ALIVE_TIMEOUT wins over app.keep_alive_timeout, as the standalone server.js reads it (13+).
TEST(ScenarioOptions, TheAppProfileTakesTheSettingsThenTheContainersEnvironment) {
  scenarios::Scenario s;
  s.app.next_version = "14.1";
  s.app.sigterm = "ignore";
  s.app.keep_alive_timeout = seconds(2);
  s.app.api_latency = {milliseconds(10), milliseconds(30)};
  s.app.shared_static = true;
  fakes::NextAppProfile p = app_profile(s, seconds(4), milliseconds(500), {});
  EXPECT_EQ(p.version, "14.1");
  EXPECT_EQ(p.listen_delay, seconds(4));
  EXPECT_EQ(p.prepare_delay, milliseconds(500));
  EXPECT_EQ(p.sigterm_mode(), fakes::SigtermMode::ignore);
  EXPECT_EQ(p.keep_alive_timeout, seconds(2));
  EXPECT_EQ(p.api_latency_max, milliseconds(30));
  EXPECT_TRUE(p.shared_static);
  p = app_profile(s, seconds(4), milliseconds(500), {{"KEEP_ALIVE_TIMEOUT", "65000"}});
  EXPECT_EQ(p.keep_alive_timeout, seconds(65));
  s.app.sigterm.clear();
  EXPECT_EQ(app_profile(s, seconds(1), {}, {}).sigterm, std::nullopt);  // the version decides
}

// Goal: traffic, pipeline and Docker settings arrive as written; arrivals other than poisson are
// evenly spaced.
TEST(ScenarioOptions, TrafficPipelineAndDockerSettings) {
  scenarios::Scenario s;
  s.traffic.rate = 120;
  s.traffic.clients = 9;
  s.traffic.arrivals = "poisson";
  s.traffic.keepalive = true;
  s.traffic.host = "app.example.com";
  s.pipeline.build_duration = seconds(42);
  s.pipeline.wait_for_deployment = true;
  s.docker.userland_proxy = false;
  s.docker.registry.push_back({"nginx:1.25-alpine", "nginx"});
  const TrafficOptions t = traffic_options(s);
  EXPECT_EQ(t.rate, 120);
  EXPECT_EQ(t.clients, 9);
  EXPECT_EQ(t.arrivals, Arrivals::poisson);
  EXPECT_TRUE(t.keepalive);
  EXPECT_EQ(t.host, "app.example.com");
  s.traffic.arrivals = "constant";
  EXPECT_EQ(traffic_options(s).arrivals, Arrivals::constant);
  const fakes::PipelineOptions p = pipeline_options(s);
  EXPECT_EQ(p.build_duration, seconds(42));
  EXPECT_TRUE(p.wait_for_deployment);
  const fakes::EngineOptions e = engine_options(s);
  EXPECT_FALSE(e.userland_proxy);
  ASSERT_EQ(e.registry.size(), 1u);
  EXPECT_EQ(e.registry[0].files_at, "/etc/nginx");  // an nginx image brings nginx:alpine's /etc/nginx
  EXPECT_FALSE(e.registry[0].files.empty());
}

// Goal: the agent's scripts run with root's environment plus the shims' socket and BASH_ENV, and
// nothing of the machine's own.
TEST(ScenarioOptions, TheAgentsScriptsSeeRootsEnvironmentAndTheShims) {
  const fakes::AgentOptions o = agent_options();
  EXPECT_EQ(o.environment.at("HOME"), "/root");
  EXPECT_EQ(o.environment.at(fakes::kShimSocketEnv), fakes::HostLayout::kShimSocketInside);
  EXPECT_EQ(o.environment.at("BASH_ENV"), "/run/bluegreen/bash_env.sh");
  EXPECT_EQ(o.deployment_root_on_host, "/opt/codedeploy-agent/deployment-root");
  EXPECT_EQ(o.environment.size(), 6u);
}

}  // namespace
}  // namespace bg::sim
