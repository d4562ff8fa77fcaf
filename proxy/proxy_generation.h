#pragma once
// ProxyGeneration is one configuration cycle of the proxy (what nginx calls a cycle): the parsed
// config and its workers, each with its own peer state per upstream (nginx without `zone`: state is
// per worker process; semantics.md §1). A reload makes a new generation with fresh peer
// state; the old one lives until its last connection ends.
#include <utility>  // before Asio under C++20 (design.md)

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "proxy/keepalive_cache.h"
#include "proxy/proxy_socket.h"
#include "proxy/nginx_config.h"
#include "proxy/request_router.h"
#include "proxy/upstream_pool.h"

namespace bg::proxy {

class ProxyGeneration {
 public:
  // One worker process's balancer state. The mutex stands in for the worker's single event loop:
  // sessions on several Asio threads take turns, as requests in one nginx worker do.
  struct Worker {
    int index = 0;
    std::mutex mutex;
    std::map<std::string, UpstreamPool> pools;     // by upstream name
    std::map<std::string, KeepaliveCache> caches;  // idle upstream connections, by upstream name
    // The sockets of the descriptors the caches hold, by descriptor. A cached connection stays an
    // Asio socket registered with the reactor, so reusing it costs no syscall (handing the bare
    // descriptor back and forth cost four per request: epoll_ctl twice, ioctl, setsockopt).
    std::unordered_map<int, ProxySocket> idle_sockets;

    // Moves the sockets of `fds` (descriptors the caches gave up) out of idle_sockets, so the
    // caller closes them outside the mutex. Call with the mutex held.
    std::vector<ProxySocket> take_sockets(const std::vector<int>& fds);
    // The socket of one descriptor, moved out of idle_sockets (none if it has none). Mutex held.
    std::optional<ProxySocket> take_socket(int fd);
  };

  // `paths` (the host's files, for static content) and `resolve` (names a variable gives
  // proxy_pass, with a `resolver`) outlive the generation.
  ProxyGeneration(std::shared_ptr<const NginxConfig> config, int number, const core::PathMap& paths,
                  HostResolver resolve = {});
  ~ProxyGeneration();  // closes the idle upstream connections, as an exiting worker does
  ProxyGeneration(const ProxyGeneration&) = delete;
  ProxyGeneration& operator=(const ProxyGeneration&) = delete;

  const NginxConfig& config() const { return *config_; }
  std::shared_ptr<const NginxConfig> shared_config() const { return config_; }
  int number() const { return number_; }
  const RequestRouter& router() const { return router_; }
  // The body size the client parser accepts: the largest client_max_body_size of any location (0,
  // unlimited, and anything larger are bounded at 64 MiB); the location's own limit is the
  // router's 413.
  uint64_t body_limit() const { return body_limit_; }
  int worker_count() const { return static_cast<int>(workers_.size()); }
  Worker& worker(int index) { return *workers_.at(index); }
  // The worker a new connection goes to. Simplification: round robin; real workers race for
  // accept() and the kernel decides.
  Worker& assign_worker();
  // Closes every cached idle upstream connection (a reload retires this generation, or a stop).
  void close_idle_connections();

  // Set by a reload: connections finish the request in progress, then close (graceful shutdown).
  std::atomic<bool> retired{false};

 private:
  std::shared_ptr<const NginxConfig> config_;
  int number_;
  RequestRouter router_;
  uint64_t body_limit_ = 1024 * 1024;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<unsigned> next_worker_{0};
};

}  // namespace bg::proxy
