#include "sim/scenario_options.h"

#include "fakes/host/host_layout.h"
#include "fakes/shim/shim_protocol.h"
#include "sim/own_files.h"
#include "sim/staged_host.h"

namespace bg::sim {

fakes::EngineOptions engine_options(const scenarios::Scenario& scenario) {
  fakes::EngineOptions o;
  o.build_duration = scenario.docker.build_duration;  // a range: drawn per build
  o.teardown_delay = scenario.docker.teardown_delay;
  o.userland_proxy = scenario.docker.userland_proxy;
  for (const auto& image : scenario.docker.registry) {
    fakes::RegistryImage r{image.image, image.runs};
    if (image.runs == fakes::kRunsNginx) r.files = alpine_nginx(), r.files_at = "/etc/nginx";
    o.registry.push_back(r);
  }
  return o;
}

fakes::NextAppProfile app_profile(const scenarios::Scenario& scenario, core::Duration listen_delay,
                                  core::Duration prepare_delay, const std::map<std::string, std::string>& env) {
  fakes::NextAppProfile profile;
  profile.version = scenario.app.next_version;
  profile.listen_delay = listen_delay;
  profile.listen_delay_drawn_from = scenario.app.listen_delay;
  profile.prepare_delay = prepare_delay;
  if (!scenario.app.sigterm.empty()) profile.sigterm = fakes::parse_sigterm_mode(scenario.app.sigterm);
  profile.api_latency_min = scenario.app.api_latency.min;
  profile.api_latency_max = scenario.app.api_latency.max;
  if (scenario.app.keep_alive_timeout) profile.keep_alive_timeout = *scenario.app.keep_alive_timeout;
  profile.shared_static = scenario.app.shared_static;
  return fakes::apply_env(profile, env);
}

fakes::PipelineOptions pipeline_options(const scenarios::Scenario& scenario) {
  fakes::PipelineOptions o;
  o.build_duration = scenario.pipeline.build_duration;  // a range: drawn per workflow run
  o.concurrency = {scenario.pipeline.concurrency_group, scenario.pipeline.cancel_in_progress};
  o.wait_for_deployment = scenario.pipeline.wait_for_deployment;
  return o;
}

std::map<std::string, std::string> shim_environment() {
  return {{fakes::kShimSocketEnv, fakes::HostLayout::kShimSocketInside}, {"BASH_ENV", "/run/bluegreen/bash_env.sh"}};
}

fakes::AgentOptions agent_options() {
  fakes::AgentOptions o;
  o.deployment_root_on_host = kDeploymentRoot;
  o.environment = shim_environment();
  o.environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  o.environment["HOME"] = "/root";
  o.environment["USER"] = "root";
  o.environment["LANG"] = "C.UTF-8";
  return o;
}

TrafficOptions traffic_options(const scenarios::Scenario& scenario) {
  TrafficOptions t;
  t.rate = scenario.traffic.rate;
  t.clients = scenario.traffic.clients;
  t.post_ratio = scenario.traffic.post_ratio;
  t.timeout = scenario.traffic.timeout;
  t.arrivals = scenario.traffic.arrivals == "poisson" ? Arrivals::poisson : Arrivals::constant;
  t.keepalive = scenario.traffic.keepalive;
  t.browser = scenario.traffic.browser;
  t.api_get_ratio = scenario.traffic.api_get_ratio;
  t.host = scenario.traffic.host;
  return t;
}

}  // namespace bg::sim
