#include "proxy/keepalive_cache.h"

namespace bg::proxy {

KeepaliveCache::KeepaliveCache(const Upstream& upstream)
    : capacity_(upstream.keepalive > 0 ? static_cast<size_t>(upstream.keepalive) : 0),
      timeout_(upstream.keepalive_timeout),
      max_requests_(upstream.keepalive_requests),
      max_time_(upstream.keepalive_time) {}

std::optional<IdleConnection> KeepaliveCache::take(uint16_t port, core::Time now, std::vector<int>& to_close) {
  std::optional<IdleConnection> found;
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (now - it->idle_since > timeout_) {
      to_close.push_back(it->fd);
      it = idle_.erase(it);
    } else if (!found && it->port == port) {
      found = *it;
      it = idle_.erase(it);
    } else {
      ++it;
    }
  }
  return found;
}

std::vector<int> KeepaliveCache::put(IdleConnection c, core::Time now) {
  // nginx: `c->requests >= keepalive_requests` and `now - c->start_time > keepalive_time` go to
  // "invalid" and close the connection instead of caching it.
  if (capacity_ == 0 || c.requests >= max_requests_ || now - c.opened > max_time_) return {c.fd};
  std::vector<int> evicted;
  if (idle_.size() >= capacity_) {
    evicted.push_back(idle_.back().fd);
    idle_.pop_back();
  }
  c.idle_since = now;
  idle_.push_front(c);
  return evicted;
}

std::vector<int> KeepaliveCache::drain() {
  std::vector<int> fds;
  for (const auto& c : idle_) fds.push_back(c.fd);
  idle_.clear();
  return fds;
}

}  // namespace bg::proxy
