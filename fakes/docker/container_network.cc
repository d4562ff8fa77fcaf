#include "fakes/docker/container_network.h"

#include <algorithm>

namespace bg::fakes {

void ContainerNetwork::attach(const std::string& container, const std::string& service, uint16_t address,
                              uint16_t app_port) {
  attach(container, service.empty() ? std::vector<std::string>{} : std::vector<std::string>{service}, address,
         app_port);
}

void ContainerNetwork::attach(const std::string& container, const std::vector<std::string>& aliases, uint16_t address,
                              uint16_t app_port) {
  std::lock_guard lock(mutex_);
  instances_[container] = Instance{aliases, address, app_port, ++created_};
}

void ContainerNetwork::rename(const std::string& container, const std::string& new_name) {
  std::lock_guard lock(mutex_);
  auto node = instances_.extract(container);
  if (node.empty()) return;
  node.key() = new_name;
  instances_.insert(std::move(node));
}

void ContainerNetwork::detach(const std::string& container) {
  std::lock_guard lock(mutex_);
  instances_.erase(container);
}

std::vector<uint16_t> ContainerNetwork::resolve(const std::string& host, uint16_t port) const {
  std::lock_guard lock(mutex_);
  std::vector<const Instance*> found;
  if (auto it = instances_.find(host); it != instances_.end()) {
    found.push_back(&it->second);  // a container name names one instance
  } else {
    for (const auto& [name, instance] : instances_)
      if (std::find(instance.aliases.begin(), instance.aliases.end(), host) != instance.aliases.end())
        found.push_back(&instance);
  }
  std::sort(found.begin(), found.end(), [](const Instance* a, const Instance* b) { return a->created < b->created; });
  std::vector<uint16_t> out;
  for (const Instance* i : found) out.push_back(port == i->app_port ? i->address : closed_port_);
  return out;
}

}  // namespace bg::fakes
