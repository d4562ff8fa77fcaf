#include "proxy/proxy_generation.h"

#include <unistd.h>

#include <algorithm>
#include <iterator>

namespace bg::proxy {
namespace {

constexpr uint64_t kMaxBody = 64u << 20;

uint64_t largest_body(const std::vector<Location>& locations, uint64_t limit) {
  for (const auto& l : locations) {
    uint64_t own = l.client_max_body_size == 0 ? kMaxBody : static_cast<uint64_t>(l.client_max_body_size);
    limit = largest_body(l.nested, std::max(limit, std::min(own, kMaxBody)));
  }
  return limit;
}

}  // namespace

ProxyGeneration::ProxyGeneration(std::shared_ptr<const NginxConfig> config, int number, const core::PathMap& paths,
                                 HostResolver resolve)
    : config_(std::move(config)), number_(number), router_(*config_, paths, std::move(resolve)) {
  for (const auto& server : config_->servers)
    body_limit_ = largest_body(server.locations, largest_body({server.fallback}, body_limit_));
  int n = config_->worker_processes < 1 ? 1 : config_->worker_processes;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    for (const auto& up : config_->upstreams) {
      w->pools.emplace(up.name, UpstreamPool(up));
      w->caches.emplace(up.name, KeepaliveCache(up));
    }
    workers_.push_back(std::move(w));
  }
}

ProxyGeneration::~ProxyGeneration() { close_idle_connections(); }

void ProxyGeneration::close_idle_connections() {
  for (auto& w : workers_) {
    std::vector<ProxySocket> closing;  // closed when it goes out of scope, unlocked
    {
      std::lock_guard lock(w->mutex);
      for (auto& [name, cache] : w->caches) {
        auto more = w->take_sockets(cache.drain());
        std::move(more.begin(), more.end(), std::back_inserter(closing));
      }
    }
  }
}

std::vector<ProxySocket> ProxyGeneration::Worker::take_sockets(const std::vector<int>& fds) {
  std::vector<ProxySocket> out;
  for (int fd : fds)
    if (auto socket = take_socket(fd)) out.push_back(std::move(*socket));
  return out;
}

std::optional<ProxySocket> ProxyGeneration::Worker::take_socket(int fd) {
  auto it = idle_sockets.find(fd);
  if (it == idle_sockets.end()) {
    // Not expected: every cached connection has its socket here. A descriptor is closed so it does
    // not leak; a sim connection's number (never a descriptor) has nothing to close.
    if (fd < net::SimNetwork::kFirstConnectionId) ::close(fd);
    return std::nullopt;
  }
  std::optional<ProxySocket> out(std::move(it->second));
  idle_sockets.erase(it);
  return out;
}

ProxyGeneration::Worker& ProxyGeneration::assign_worker() {
  return *workers_[next_worker_.fetch_add(1) % workers_.size()];
}

}  // namespace bg::proxy
