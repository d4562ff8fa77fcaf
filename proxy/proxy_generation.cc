#include "proxy/proxy_generation.h"

namespace bg::proxy {

ProxyGeneration::ProxyGeneration(std::shared_ptr<const NginxConfig> config, int number)
    : config_(std::move(config)), number_(number) {
  int n = config_->worker_processes < 1 ? 1 : config_->worker_processes;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    for (const auto& up : config_->upstreams) w->pools.emplace(up.name, UpstreamPool(up));
    workers_.push_back(std::move(w));
  }
}

ProxyGeneration::Worker& ProxyGeneration::assign_worker() {
  return *workers_[next_worker_.fetch_add(1) % workers_.size()];
}

}  // namespace bg::proxy
