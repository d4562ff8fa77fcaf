#include "fakes/docker/container_runtime.h"

#include <fmt/format.h>

namespace bg::fakes {

const char* state_name(ContainerState s) {
  switch (s) {
    case ContainerState::created:
      return "created";
    case ContainerState::running:
      return "running";
    case ContainerState::paused:
      return "paused";
    case ContainerState::restarting:
      return "restarting";
    case ContainerState::removing:
      return "removing";
    case ContainerState::exited:
      return "exited";
    case ContainerState::dead:
      return "dead";
  }
  return "unknown";
}

bool transition_allowed(ContainerState from, ContainerState to) {
  using S = ContainerState;
  if (to == S::dead) return from != S::dead;  // a failed removal can leave any container dead
  switch (from) {
    case S::created:
      return to == S::running || to == S::removing || to == S::exited;
    case S::running:
      return to == S::paused || to == S::exited || to == S::restarting || to == S::removing;
    case S::paused:
      return to == S::running || to == S::exited;
    case S::restarting:
      return to == S::running || to == S::exited || to == S::removing;
    case S::exited:
      return to == S::running || to == S::removing || to == S::restarting;
    case S::removing:
      return false;
    case S::dead:
      return to == S::removing;
  }
  return false;
}

std::string ContainerRuntime::compose_name(const std::string& project, const std::string& service, int number) {
  return fmt::format("{}-{}-{}", project, service, number);
}

int ContainerRuntime::next_number(const std::string& project, const std::string& service) const {
  int highest = 0;
  for (const auto& [name, c] : containers_)
    if (c.project == project && c.service == service) highest = std::max(highest, c.number);
  return highest + 1;
}

ContainerRecord& ContainerRuntime::create(ContainerRecord record, core::Time now) {
  if (record.name.empty()) {
    record.number = next_number(record.project, record.service);
    record.name = compose_name(record.project, record.service, record.number);
  }
  if (containers_.count(record.name))
    // Docker's wording for a name clash.
    throw std::invalid_argument(fmt::format(
        "Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to remove (or "
        "rename) that container to be able to reuse that name.",
        record.name, containers_.at(record.name).id));
  record.state = ContainerState::created;
  record.created = now;
  auto [it, inserted] = containers_.emplace(record.name, std::move(record));
  return it->second;
}

ContainerRecord& ContainerRuntime::at(const std::string& name) {
  auto it = containers_.find(name);
  if (it == containers_.end()) throw std::out_of_range("No such container: " + name);
  return it->second;
}

void ContainerRuntime::transition(const std::string& name, ContainerState to, core::Time now, int exit_code) {
  ContainerRecord& c = at(name);
  if (!transition_allowed(c.state, to))
    throw IllegalTransition(
        fmt::format("container {} cannot go from {} to {}", name, state_name(c.state), state_name(to)));
  c.state = to;
  if (to == ContainerState::running) {
    c.started = now;
    c.exit_code = 0;
    if (!c.health.empty()) c.health = "starting";
  }
  if (to == ContainerState::exited || to == ContainerState::dead || to == ContainerState::restarting) {
    c.finished = now;
    c.exit_code = exit_code;
  }
}

void ContainerRuntime::set_health(const std::string& name, const std::string& health) {
  if (auto it = containers_.find(name); it != containers_.end()) it->second.health = health;
}

void ContainerRuntime::rename(const std::string& name, const std::string& new_name) {
  at(name);
  if (auto it = containers_.find(new_name); it != containers_.end())
    throw std::invalid_argument(fmt::format(
        "Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to remove (or "
        "rename) that container to be able to reuse that name.",
        new_name, it->second.id));
  auto node = containers_.extract(name);
  node.key() = new_name;
  node.mapped().name = new_name;
  containers_.insert(std::move(node));
}

const ContainerRecord* ContainerRuntime::find_by_id(const std::string& id) const {
  for (const auto& [name, c] : containers_)
    if (c.id == id) return &c;
  return nullptr;
}

void ContainerRuntime::erase(const std::string& name) {
  at(name);
  containers_.erase(name);
}

const ContainerRecord* ContainerRuntime::find(const std::string& name) const {
  auto it = containers_.find(name);
  return it == containers_.end() ? nullptr : &it->second;
}

std::vector<ContainerRecord> ContainerRuntime::list(const std::string& project) const {
  std::vector<ContainerRecord> out;
  for (const auto& [name, c] : containers_)
    if (project.empty() || c.project == project) out.push_back(c);
  return out;
}

}  // namespace bg::fakes
