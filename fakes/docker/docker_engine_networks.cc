// DockerEngine's networks: the NetworkStore behind `docker network` and compose's project
// networks, and the attachments of containers to them.
#include <fmt/format.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/docker_engine_live.h"

namespace bg::fakes {

bool DockerEngine::network_exists(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return networks_.find(name) != nullptr;
}

void DockerEngine::create_network(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!networks_.find(name)) networks_.create(name, "bridge", {}, false, false, ids_rng_, clock_.now());
}

NetworkRecord DockerEngine::create_network(const std::string& name, const std::string& driver,
                                           const std::map<std::string, std::string>& labels, bool internal,
                                           bool attachable) {
  std::lock_guard lock(mutex_);
  try {
    return networks_.create(name, driver, labels, internal, attachable, ids_rng_, clock_.now());
  } catch (const NetworkError& e) {
    throw DockerError(e.what());
  }
}

void DockerEngine::remove_network(const std::string& name) {
  std::lock_guard lock(mutex_);
  try {
    if (networks_.find(name)) networks_.remove(name);
  } catch (const NetworkError&) {
    // compose removes a project's network after its containers; one still running keeps it (the
    // daemon would refuse too, and compose v2 only warns).
  }
}

void DockerEngine::delete_network(const std::string& name_or_id) {
  std::lock_guard lock(mutex_);
  try {
    networks_.remove(name_or_id);
  } catch (const NetworkError& e) {
    throw DockerError(e.what());
  }
}

std::optional<NetworkRecord> DockerEngine::network_record(const std::string& name_or_id) const {
  std::lock_guard lock(mutex_);
  try {
    if (const NetworkRecord* n = networks_.find(name_or_id)) return *n;
  } catch (const NetworkError&) {
  }
  return std::nullopt;
}

std::vector<NetworkRecord> DockerEngine::networks() const {
  std::lock_guard lock(mutex_);
  return networks_.list();
}

// A running container joins at once (it gets its address); a stopped one when it starts.
void DockerEngine::connect_network(const std::string& network, const std::string& container,
                                   const std::vector<std::string>& aliases) {
  std::lock_guard lock(mutex_);
  const ContainerRecord* rec = runtime_.find(container);
  try {
    if (!networks_.find(network)) throw NetworkError(fmt::format("network {} not found", network));
    if (!rec) throw NetworkError("No such container: " + container);
    networks_.attach(network, rec->id, rec->name, aliases);
    if (rec->state == ContainerState::running) networks_.join_all(rec->id, ids_rng_);
  } catch (const NetworkError& e) {
    throw DockerError(e.what());
  }
  append(*rec, core::ContainerWhat::network_connected, network);
}

void DockerEngine::disconnect_network(const std::string& network, const std::string& container) {
  std::lock_guard lock(mutex_);
  const ContainerRecord* rec = runtime_.find(container);
  try {
    if (!networks_.find(network)) throw NetworkError(fmt::format("network {} not found", network));
    if (!rec) throw NetworkError("No such container: " + container);
    networks_.detach(network, rec->id);
  } catch (const NetworkError& e) {
    throw DockerError(e.what());
  }
  append(*rec, core::ContainerWhat::network_disconnected, network);
}

// At create: the networks asked for, else compose's project network, else the default bridge.
// Network-scoped aliases need a user-defined network (moby daemon/container_operations.go).
void DockerEngine::attach_networks(const ContainerRecord& record, const ContainerSpec& spec) {
  std::string project_net = record.project + "_default";
  std::string fallback = !record.project.empty() && networks_.find(project_net) ? project_net : "bridge";
  std::vector<std::string> names;
  for (const auto& n : spec.networks) names.push_back(n.empty() ? fallback : n);
  if (names.empty()) names.push_back(fallback);
  for (const auto& name : names) {
    const NetworkRecord* n = networks_.find(name);
    if (!n) throw NetworkError(fmt::format("network {} not found", name));
    if (!spec.aliases.empty() && (n->name == "bridge" || n->name == "host" || n->name == "none"))
      throw NetworkError("network-scoped alias is supported only for containers in user defined networks");
  }
  for (const auto& name : names) networks_.attach(name, record.id, record.name, spec.aliases);
}

}  // namespace bg::fakes
