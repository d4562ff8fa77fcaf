#pragma once
// ContainerNetwork: the run's container network as its DNS sees it — every container instance has
// its own address from creation to removal, and its name (and its compose service name, a network
// alias) resolves to that address while it exists. A recreated container is a new instance with a
// new address, so a proxy that resolved the name before the recreate holds a stale one (races.md
// R18). Pure bookkeeping, thread-safe: the engine attaches and detaches, a proxy resolves.
//
// Simplifications (everything stays on loopback and parallel runs must not collide):
//  - An instance's address is a loopback port of its own, the one its app listens on (the port
//    docker-proxy forwards to); it stands for <container IP>:<the port the app listens on inside>.
//    A name asked for with another port resolves to `closed_port`, where nothing listens: the
//    connect is refused, as on a container port nothing listens on.
//  - One network for the whole run: every container is on it, whatever its project. For a proxy
//    to resolve container names in a real deployment it runs in a container on a network the
//    colors join (the projects' default networks are separate); the run does not model that.
//  - The address exists from `create` to removal. Real Docker attaches the endpoint at start and
//    detaches it at stop, and its DNS answers only for running containers; here a stopped
//    container's name still resolves, to an address that refuses.
//  - A removed instance's address stays held by the run and refuses until 64 later removals have
//    passed; then a new instance takes it (DockerEngine::released_addresses_). Docker allocates a
//    container's IP serially (libnetwork's IPAM with com.docker.network.ipam.serial), reusing a
//    released one only when it wraps round the subnet, so a stale address there also reaches
//    nothing for a long while and then another container; the run's "subnet" is smaller, which
//    keeps a long run's ports bounded.
//    Connecting to an address nobody holds may, in real Docker, time out or fail with "no route to
//    host" (EHOSTUNREACH, after ARP gives up) instead of being refused.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace bg::fakes {

class ContainerNetwork {
 public:
  explicit ContainerNetwork(uint16_t closed_port) : closed_port_(closed_port) {}

  // A new instance: `container` (its name) and `service` (its alias) resolve to `address`, the
  // loopback port its app listens on, which inside the container is `app_port` (3000).
  void attach(const std::string& container, const std::string& service, uint16_t address, uint16_t app_port);
  // With more aliases (`docker run --network-alias`, compose `networks.<n>.aliases`).
  void attach(const std::string& container, const std::vector<std::string>& aliases, uint16_t address,
              uint16_t app_port);
  // The instance is gone: its name and alias no longer resolve to its address.
  void detach(const std::string& container);
  // `docker rename`: the new name resolves to the same instance, the old one no longer does.
  void rename(const std::string& container, const std::string& new_name);
  // The loopback ports `host:port` reaches, one per instance the name or alias resolves to (a
  // service alias with several instances gives all of them, as Docker's DNS does), in creation
  // order; empty when the name does not resolve.
  std::vector<uint16_t> resolve(const std::string& host, uint16_t port) const;

 private:
  struct Instance {
    std::vector<std::string> aliases;  // the compose service name first
    uint16_t address = 0;
    uint16_t app_port = 0;
    uint64_t created = 0;  // creation order, for a stable answer
  };

  uint16_t closed_port_;
  mutable std::mutex mutex_;
  std::map<std::string, Instance> instances_;  // by container name
  uint64_t created_ = 0;
};

}  // namespace bg::fakes
