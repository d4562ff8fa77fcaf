#include "fakes/docker/network_store.h"

#include <fmt/format.h>

#include "fakes/docker/image_store.h"

namespace bg::fakes {
namespace {

bool predefined(const std::string& name) { return name == "bridge" || name == "host" || name == "none"; }

}  // namespace

NetworkStore::NetworkStore(core::Rng& rng) {
  for (const char* name : {"bridge", "host", "none"}) {
    NetworkRecord n;
    n.name = name;
    n.id = ImageStore::random_hex(rng, 64);
    n.driver = name == std::string("none") ? "null" : name;
    if (n.name == "bridge") {
      n.subnet = "172.17.0.0/16";
      n.gateway = "172.17.0.1";
    }
    networks_[n.name] = n;
  }
}

NetworkRecord& NetworkStore::create(const std::string& name, const std::string& driver,
                                    const std::map<std::string, std::string>& labels, bool internal, bool attachable,
                                    core::Rng& rng, core::Time now) {
  if (networks_.count(name)) throw NetworkError(fmt::format("network with name {} already exists", name));
  NetworkRecord n;
  n.name = name;
  n.id = ImageStore::random_hex(rng, 64);
  n.driver = driver.empty() ? "bridge" : driver;
  n.labels = labels;
  n.internal = internal;
  n.attachable = attachable;
  n.created = now;
  n.subnet = fmt::format("172.{}.0.0/16", next_subnet_);
  n.gateway = fmt::format("172.{}.0.1", next_subnet_);
  ++next_subnet_;
  return networks_[name] = n;
}

// moby daemon/network.go FindNetwork: full id, then exact name, then a unique id prefix.
NetworkRecord* NetworkStore::find_mut(const std::string& term) {
  if (term.empty()) return nullptr;
  for (auto& [name, n] : networks_)
    if (n.id == term) return &n;
  if (auto it = networks_.find(term); it != networks_.end()) return &it->second;
  NetworkRecord* found = nullptr;
  for (auto& [name, n] : networks_)
    if (n.id.rfind(term, 0) == 0) {
      if (found) throw NetworkError(fmt::format("network {} is ambiguous (2 matches found based on ID prefix)", term));
      found = &n;
    }
  return found;
}

const NetworkRecord* NetworkStore::find(const std::string& term) const {
  return const_cast<NetworkStore*>(this)->find_mut(term);
}

void NetworkStore::remove(const std::string& term) {
  NetworkRecord* n = find_mut(term);
  if (!n) throw NetworkError(fmt::format("network {} not found", term));
  if (predefined(n->name))
    throw NetworkError(fmt::format("{} is a pre-defined network and cannot be removed", n->name));
  for (const auto& [id, e] : n->endpoints)
    if (!e.ip.empty())
      throw NetworkError(
          fmt::format("error while removing network: network {} id {} has active endpoints", n->name, n->id));
  networks_.erase(n->name);
}

std::vector<NetworkRecord> NetworkStore::list() const {
  std::vector<NetworkRecord> out;
  for (const auto& [name, n] : networks_) out.push_back(n);
  return out;
}

void NetworkStore::attach(const std::string& network, const std::string& container_id,
                          const std::string& container_name, const std::vector<std::string>& aliases) {
  NetworkRecord* n = find_mut(network);
  if (!n) throw NetworkError(fmt::format("network {} not found", network));
  if (n->endpoints.count(container_id))
    throw NetworkError(fmt::format("endpoint with name {} already exists in network {}", container_name, n->name));
  n->endpoints[container_id] = NetworkEndpoint{container_id, container_name, aliases, "", "", ""};
}

void NetworkStore::detach(const std::string& network, const std::string& container_id) {
  NetworkRecord* n = find_mut(network);
  if (!n) throw NetworkError(fmt::format("network {} not found", network));
  if (!n->endpoints.erase(container_id))
    throw NetworkError(fmt::format("container {} is not connected to network {}", container_id, n->name));
}

void NetworkStore::join_all(const std::string& container_id, core::Rng& rng) {
  for (auto& [name, n] : networks_) {
    auto it = n.endpoints.find(container_id);
    if (it == n.endpoints.end() || n.subnet.empty()) continue;
    std::string prefix = n.subnet.substr(0, n.subnet.rfind(".0.0/"));
    int host = n.next_host++;
    it->second.ip = fmt::format("{}.{}.{}", prefix, host / 256, host % 256);
    int second = std::stoi(prefix.substr(prefix.find('.') + 1));
    it->second.mac = fmt::format("02:42:ac:{:02x}:{:02x}:{:02x}", second, host / 256, host % 256);
    it->second.endpoint_id = ImageStore::random_hex(rng, 64);
  }
}

void NetworkStore::leave_all(const std::string& container_id) {
  for (auto& [name, n] : networks_)
    if (auto it = n.endpoints.find(container_id); it != n.endpoints.end()) {
      it->second.ip.clear();
      it->second.mac.clear();
      it->second.endpoint_id.clear();
    }
}

void NetworkStore::forget(const std::string& container_id) {
  for (auto& [name, n] : networks_) n.endpoints.erase(container_id);
}

void NetworkStore::rename(const std::string& container_id, const std::string& new_name) {
  for (auto& [name, n] : networks_)
    if (auto it = n.endpoints.find(container_id); it != n.endpoints.end()) it->second.container_name = new_name;
}

std::map<std::string, NetworkEndpoint> NetworkStore::endpoints_of(const std::string& container_id) const {
  std::map<std::string, NetworkEndpoint> out;
  for (const auto& [name, n] : networks_)
    if (auto it = n.endpoints.find(container_id); it != n.endpoints.end()) out[name] = it->second;
  return out;
}

}  // namespace bg::fakes
