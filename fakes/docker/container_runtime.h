#pragma once
// ContainerRuntime: the pure bookkeeping of the Docker engine's containers — names, states and the
// legal moves between them (semantics.md §3 "Container states"). No I/O, no clock: callers pass
// the time in. DockerEngine drives it; tests and a deterministic engine can drive it directly.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.h"
#include "fakes/docker/compose_file.h"

namespace bg::fakes {

// Engine API ContainerState.Status.
enum class ContainerState { created, running, paused, restarting, removing, exited, dead };

const char* state_name(ContainerState s);
// Whether the engine can move a container from `from` to `to`.
bool transition_allowed(ContainerState from, ContainerState to);

class IllegalTransition : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct ContainerRecord {
  std::string id;    // 64 hex digits; `docker ps` shows the first 12
  std::string name;  // compose v2: <project>-<service>-<n>
  std::string project;
  std::string service;
  int number = 1;
  ContainerState state = ContainerState::created;
  int exit_code = 0;
  std::string image;        // reference as written (docker-image)
  std::string image_id;     // the image it was created from (compose's image-digest label)
  std::string config_hash;  // compose's config-hash label
  std::string command;      // as `docker ps` shows it: "docker-entrypoint.sh node server.js"
  std::vector<PortMapping> ports;
  std::string health;  // "" (no healthcheck), "starting", "healthy", "unhealthy"
  core::Time created{};
  core::Time started{};
  core::Time finished{};
};

class ContainerRuntime {
 public:
  // compose v2's container name for the n-th container of a service.
  static std::string compose_name(const std::string& project, const std::string& service, int number);

  // Adds a container in state `created`, numbered one above the service's highest existing number
  // (compose's nextContainerNumber). Throws std::invalid_argument when the name is taken.
  ContainerRecord& create(ContainerRecord record, core::Time now);
  // The next number compose would use for (project, service).
  int next_number(const std::string& project, const std::string& service) const;

  // Moves a container; throws IllegalTransition (naming both states) when the engine could not.
  void transition(const std::string& name, ContainerState to, core::Time now, int exit_code = 0);
  // Records a healthcheck result ("starting", "healthy", "unhealthy"). Unknown names are ignored.
  void set_health(const std::string& name, const std::string& health);
  // Forgets a container (after `removing`). Throws std::out_of_range for an unknown name.
  void erase(const std::string& name);
  // `docker rename`: throws std::invalid_argument with Docker's conflict message when taken.
  void rename(const std::string& name, const std::string& new_name);

  const ContainerRecord* find(const std::string& name) const;
  const ContainerRecord* find_by_id(const std::string& id) const;
  // A project's containers (all states, as ContainerList All=true), sorted by name; "" = all.
  std::vector<ContainerRecord> list(const std::string& project = "") const;

 private:
  ContainerRecord& at(const std::string& name);
  std::map<std::string, ContainerRecord> containers_;  // by name: sorted, as compose ps prints them
};

}  // namespace bg::fakes
