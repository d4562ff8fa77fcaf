#pragma once
// KeepaliveCache is one worker's cache of idle upstream connections for one upstream block, as
// ngx_http_upstream_keepalive_module keeps it (semantics.md §1): at most `keepalive N`
// connections over all peers of the upstream, most recently saved first; a new save when full
// evicts the least recently used; a connection idle past keepalive_timeout, older than
// keepalive_time or past keepalive_requests is not reused. Pure: it holds descriptors and times and
// returns the descriptors the caller must close; it does no I/O and is not thread-safe (the worker's
// mutex serialises it, as the worker's event loop does).
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "core/time.h"
#include "proxy/nginx_config.h"

namespace bg::proxy {

struct IdleConnection {
  int fd = -1;
  uint16_t port = 0;        // the peer's actual (mapped) port: nginx matches the peer's sockaddr
  core::Time opened{};      // for keepalive_time
  core::Time idle_since{};  // for keepalive_timeout
  int requests = 0;         // requests served on it so far, for keepalive_requests
};

class KeepaliveCache {
 public:
  explicit KeepaliveCache(const Upstream& upstream);

  bool enabled() const { return capacity_ > 0; }
  // ngx_http_upstream_get_keepalive_peer: the most recently saved connection to `port`, removed
  // from the cache. Connections whose keepalive_timeout passed are dropped into `to_close` (nginx
  // closes them from a timer; here they go when next looked at).
  std::optional<IdleConnection> take(uint16_t port, core::Time now, std::vector<int>& to_close);
  // ngx_http_upstream_free_keepalive_peer for a connection whose response allowed keep-alive.
  // Returns the descriptors to close: the connection itself when it may not be reused
  // (keepalive_requests, keepalive_time), or the evicted least recently used one.
  std::vector<int> put(IdleConnection c, core::Time now);
  // Every cached descriptor (the worker exits, or a reload retires it).
  std::vector<int> drain();
  size_t size() const { return idle_.size(); }

 private:
  size_t capacity_;
  core::Duration timeout_;
  int max_requests_;
  core::Duration max_time_;
  std::deque<IdleConnection> idle_;  // front: most recently saved
};

}  // namespace bg::proxy
