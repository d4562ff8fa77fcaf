// World's faults: what a test injects between the scenario's own steps (the swap state machine,
// property_tests/swap_state_machine_test.cc), each done through the real fakes as the fault would
// happen to a real deployment.
#include <fmt/format.h>

#include "fakes/codedeploy/agent.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/pipeline/pipeline.h"
#include "sim/traffic_generator.h"
#include "sim/world.h"

namespace bg::sim {

std::vector<fakes::WorkflowRun> World::push_while_deploying(core::Duration after_start) {
  std::vector<int> numbers{pipeline_->push(next_sha())};
  // The first push's deployment starts after the workflow's build step; bounded all the same.
  const core::Time deadline = clock_->now() + scenario_.pipeline.build_duration.max + std::chrono::seconds(60);
  while (!agent_->active_deployment() && clock_->now() < deadline)
    if (!clock_->sleep_for(std::chrono::milliseconds(100), stop_.get_token())) break;
  if (clock_->sleep_for(after_start, stop_.get_token())) numbers.push_back(pipeline_->push(next_sha()));
  return runs_when_idle(numbers);
}

std::optional<std::string> World::crash_container(const std::string& color) {
  for (const auto& c : docker_->containers(color))
    if (c.state == fakes::ContainerState::running && docker_->kill(c.name)) return c.name;
  return std::nullopt;
}

void World::slow_start(core::Duration extra) {
  std::lock_guard lock(mutex_);
  slow_start_extra_ += extra;
}

std::optional<std::string> World::hold_port(uint16_t declared_port, const std::string& image) {
  if (!stray_container_.empty()) return "a stray container already holds a port: " + stray_container_;
  fakes::ContainerSpec spec;
  spec.project = "stray";
  spec.service = "stray";
  spec.name = "stray-stray-1";
  spec.image = image;
  fakes::PortMapping port;
  port.published = declared_port;
  port.target = 3000;
  spec.ports.push_back(port);
  try {
    docker_->create_network("stray_default");
    docker_->create(spec);
    stray_container_ = spec.name;
    docker_->start(spec.name);
  } catch (const fakes::DockerError& e) {
    return e.what();
  }
  return std::nullopt;
}

void World::release_port() {
  if (stray_container_.empty()) return;
  // `docker rm -f`: no grace, SIGKILL, then the container and its endpoint go.
  docker_->stop(stray_container_, core::Duration{}, stop_.get_token());
  docker_->remove(stray_container_, stop_.get_token());
  docker_->remove_network("stray_default");
  stray_container_.clear();
}

void World::burst_traffic(double rate, core::Duration duration) {
  if (traffic_) traffic_->burst(rate, duration);
}

}  // namespace bg::sim
