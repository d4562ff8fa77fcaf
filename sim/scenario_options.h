#pragma once
// The scenario's settings as each component's options: what scenario.yaml says about Docker, the
// app, the pipeline, the agent's environment and the traffic, translated in one place and nothing
// else. The parts that tie components to each other (callbacks, the run's folders, ports and clock)
// are World's.
#include <map>
#include <string>

#include "core/time.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/nextjs/next_app_profile.h"
#include "fakes/pipeline/pipeline.h"
#include "scenarios/scenario.h"
#include "sim/traffic_generator.h"

namespace bg::sim {

// docker.*: build and teardown times, docker-proxy, and what `docker pull` can fetch.
fakes::EngineOptions engine_options(const scenarios::Scenario& scenario);
// app.*: the Next.js process of one container, drawn delays given, then the container's environment
// on top (KEEP_ALIVE_TIMEOUT and the like, as `next start` reads them).
fakes::NextAppProfile app_profile(const scenarios::Scenario& scenario, core::Duration listen_delay,
                                  core::Duration prepare_delay, const std::map<std::string, std::string>& env);
// pipeline.*: build time, concurrency group, whether the workflow waits for the deployment.
fakes::PipelineOptions pipeline_options(const scenarios::Scenario& scenario);
// The agent as it runs on an instance: root under systemd, with the shims' socket and the BASH_ENV
// that names script lines for them.
fakes::AgentOptions agent_options();
// The environment every deploy-host process gets from the run beside root's own: the shims' socket
// and BASH_ENV.
std::map<std::string, std::string> shim_environment();
// traffic.*: the open-loop client (its port is the run's to set).
TrafficOptions traffic_options(const scenarios::Scenario& scenario);

}  // namespace bg::sim
