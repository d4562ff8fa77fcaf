#include "proxy/proxy_generation.h"

#include <unistd.h>

namespace bg::proxy {

ProxyGeneration::ProxyGeneration(std::shared_ptr<const NginxConfig> config, int number)
    : config_(std::move(config)), number_(number) {
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
    std::vector<int> fds;
    {
      std::lock_guard lock(w->mutex);
      for (auto& [name, cache] : w->caches)
        for (int fd : cache.drain()) fds.push_back(fd);
    }
    for (int fd : fds) ::close(fd);
  }
}

ProxyGeneration::Worker& ProxyGeneration::assign_worker() {
  return *workers_[next_worker_.fetch_add(1) % workers_.size()];
}

}  // namespace bg::proxy
