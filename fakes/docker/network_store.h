#pragma once
// NetworkStore: the daemon's networks as `docker network` and `inspect` show them — the predefined
// bridge, host and none, user-defined bridge networks (compose's <project>_default among them), which
// containers are attached with which aliases, and the address each running container holds on each.
// Pure bookkeeping: ids come from the core::Rng passed in, times are passed in.
//
// Sources: moby/libnetwork as vendored in moby@v20.10.17: the default bridge is 172.17.0.0/16
// (gateway .1) and user networks take the next /16 of the default pools (172.18.0.0/16, then
// 172.19...); addresses are handed out in order from .2 and a container's MAC is 02:42 followed by
// its IPv4 bytes; an endpoint (and its address) exists while the container runs.
//
// Simplifications: only the bridge driver; no IPv6, no --subnet/--ip; released addresses are not
// reused within a run (libnetwork's IPAM allocates serially too, until the pool wraps). Traffic does
// not flow by these addresses: the run's DNS (ContainerNetwork) is what a proxy resolves through.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/time.h"

namespace bg::fakes {

// A daemon refusal; the CLI prints it after "Error response from daemon: ".
class NetworkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NetworkEndpoint {
  std::string container_id;
  std::string container_name;
  std::vector<std::string> aliases;
  // While the container runs:
  std::string endpoint_id;
  std::string ip;
  std::string mac;
};

struct NetworkRecord {
  std::string name;
  std::string id;
  std::string driver = "bridge";
  std::string scope = "local";
  std::string subnet;   // "172.18.0.0/16"; "" for host and none
  std::string gateway;  // "172.18.0.1"
  core::Time created{};
  bool internal = false;
  bool attachable = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, NetworkEndpoint> endpoints;  // by container id
  int next_host = 2;
};

class NetworkStore {
 public:
  explicit NetworkStore(core::Rng& rng);

  // Throws NetworkError "network with name X already exists".
  NetworkRecord& create(const std::string& name, const std::string& driver,
                        const std::map<std::string, std::string>& labels, bool internal, bool attachable,
                        core::Rng& rng, core::Time now);
  // By name, full id, or unique id prefix; nullptr when none.
  const NetworkRecord* find(const std::string& name_or_id) const;
  // Throws NetworkError: not found, predefined, or a running container still attached.
  void remove(const std::string& name_or_id);
  std::vector<NetworkRecord> list() const;

  // Attaches a container (its config: kept while it is stopped). Throws NetworkError when the
  // network is missing or the container is already attached.
  void attach(const std::string& network, const std::string& container_id, const std::string& container_name,
              const std::vector<std::string>& aliases);
  // Throws NetworkError when it is not attached.
  void detach(const std::string& network, const std::string& container_id);
  // The container starts: an endpoint and an address on each network it is attached to.
  void join_all(const std::string& container_id, core::Rng& rng);
  // The container stopped: its endpoints and addresses go away, the attachments stay.
  void leave_all(const std::string& container_id);
  // The container is removed: every attachment goes.
  void forget(const std::string& container_id);
  void rename(const std::string& container_id, const std::string& new_name);
  // The networks a container is attached to (name -> endpoint).
  std::map<std::string, NetworkEndpoint> endpoints_of(const std::string& container_id) const;

 private:
  NetworkRecord* find_mut(const std::string& name_or_id);
  std::map<std::string, NetworkRecord> networks_;  // by name
  int next_subnet_ = 18;                           // 172.<n>.0.0/16
};

}  // namespace bg::fakes
