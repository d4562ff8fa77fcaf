#pragma once
// PortMap: the run's ports. A deployment declares fixed host ports (compose `3000:3000`, nginx
// `listen 80`, upstream `localhost:3001`); a run maps each to a free loopback port so that parallel
// runs never collide, and everything that names a port (proxy, shims, curl) goes through this map.
//
// Each mapped port is held for the whole run by a socket bound to 127.0.0.1 that is not listening:
// connecting to it is refused (exactly what a host port with nothing behind it does), no other
// process and no outgoing connection can take it, and whoever must serve on it (the docker-proxy of a
// container, the proxy) listens on a duplicate of that socket and later stops listening without
// giving the port up (see PortListener).
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace bg::core {

class PortMap {
 public:
  // identity: declared ports are bound as they are (the CLI's --bind-declared-ports).
  explicit PortMap(bool identity = false) : identity_(identity) {}
  // The ports of the in-memory network (net::SimNetwork): numbers only, nothing is bound. A
  // declared port is itself; an anonymous one is the next free number from kFirstInMemoryAnonymous.
  struct InMemory {};
  explicit PortMap(InMemory) : identity_(true), in_memory_(true) {}
  static constexpr uint16_t kFirstInMemoryAnonymous = 20000;
  // A container's own ports (its network namespace), for a process that runs inside a container:
  // `own` maps the ports it listens on to the container's address, held by `outside` (the run's
  // map; container_network.h: an address is a loopback port standing for <container IP>:<port>).
  // Another container's address (one `outside` made with map_to_itself) reaches that container, as
  // an IP on the network does; any other port is the container's own loopback (`localhost:3000`
  // inside nginx's container is nginx's container, not the host): a fresh port held here, where
  // nothing listens, so a connect is refused. `outside` must outlive this map.
  PortMap(PortMap& outside, std::map<uint16_t, uint16_t> own);
  ~PortMap();
  PortMap(const PortMap&) = delete;
  PortMap& operator=(const PortMap&) = delete;

  // The actual port for a declared one, reserving a free port the first time it is asked for.
  // Throws std::system_error when no port can be bound.
  uint16_t map(uint16_t declared);
  std::optional<uint16_t> lookup(uint16_t declared) const;
  // The declared port an actual one stands for (to print ports as the user wrote them).
  std::optional<uint16_t> declared_for(uint16_t actual) const;
  // A reserved port with no declared counterpart (a container's own port).
  uint16_t reserve_anonymous();
  // Gives an anonymous port back (when its container is removed).
  void release_anonymous(uint16_t actual);
  // Makes a held port answer map() as itself: an address in its own right (a container instance's
  // network address), which a config names as it is once a name resolved to it. Like every declared
  // port it then stays held for the whole run, so an address that went stale keeps refusing instead
  // of reaching whatever another run binds there. Throws std::logic_error when `actual` is not held
  // here, or is already declared as another port.
  void map_to_itself(uint16_t actual);
  // Whether `actual` is an address in its own right (map_to_itself made it one).
  bool is_address(uint16_t actual) const;
  // The bound, non-listening socket that holds `actual`; -1 when it is not held here (nor, for a
  // container's map, outside).
  int reserved_fd(uint16_t actual) const;
  std::map<uint16_t, uint16_t> declared_ports() const;

 private:
  struct Held {
    int fd = -1;
  };
  uint16_t reserve_locked(uint16_t wanted);

  bool identity_;
  bool in_memory_ = false;
  uint16_t next_anonymous_ = kFirstInMemoryAnonymous;  // in memory only
  PortMap* outside_ = nullptr;                         // a container's map: the run's, which holds its addresses
  mutable std::mutex mutex_;
  std::set<uint16_t> addresses_;  // made with map_to_itself
  std::map<uint16_t, uint16_t> declared_to_actual_;
  std::map<uint16_t, Held> held_;  // actual port -> socket
};

// Listens on a port held by a PortMap, and stops listening without releasing it. Between start() and
// stop() connections are accepted through fd(); after stop() they are refused again.
class PortListener {
 public:
  PortListener(PortMap& ports, uint16_t actual) : ports_(ports), port_(actual) {}
  ~PortListener() { stop(); }
  PortListener(const PortListener&) = delete;
  PortListener& operator=(const PortListener&) = delete;

  // Returns a new listening descriptor the caller owns (hand it to an Asio acceptor). Throws
  // std::system_error when the port is not held or listen() fails.
  int start(int backlog = 1024);
  // Stops listening on the port (pending connections are reset). Call before closing the
  // descriptor returned by start(); safe to call twice.
  void stop();
  uint16_t port() const { return port_; }

 private:
  PortMap& ports_;
  uint16_t port_;
  int listening_fd_ = -1;
};

}  // namespace bg::core
