#pragma once
// The running parts of one container, shared by the files of DockerEngine (docker_engine*.cc);
// every field is guarded by DockerEngine::mutex_.
#include <memory>
#include <thread>
#include <vector>

#include <utility>  // before Asio (design.md: Boost 1.74 under C++20)

#include "core/scenario_timer.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/docker/port_publisher.h"

namespace bg::fakes {

struct DockerEngine::Live {
  std::string id;
  ContainerSpec spec;
  Image image;
  uint16_t container_port = 0;
  std::vector<uint16_t> allocated;  // declared host ports this container holds
  std::vector<std::shared_ptr<PortPublisher>> publishers;
  std::shared_ptr<ContainerProcess> process;  // shared: signals are delivered outside the lock
  uint64_t generation = 0;                    // one per start, so a stale exit is ignored
  bool exited = true;
  int exit_code = 0;
  bool torn_down = true;
  std::shared_ptr<core::ScenarioTimer> teardown_timer;
  std::jthread health;  // the healthcheck loop of the current run; joined outside mutex_
  // Restart policy: the manager, and whether a `docker stop`/`kill` asked for this exit.
  RestartManager restarts;
  bool manually_stopped = false;
  std::shared_ptr<core::ScenarioTimer> restart_timer;
  // What the container is beyond its process.
  std::vector<LogLine> logs;
  core::PathMap filesystem;
  std::filesystem::path layer;
  std::string hostname;
};

// Processes and timers call back from their own threads, possibly after the engine is gone: they
// go through the guard, which the destructor empties under its mutex.
struct DockerEngine::Guard {
  std::mutex mutex;
  DockerEngine* engine = nullptr;
};

}  // namespace bg::fakes
