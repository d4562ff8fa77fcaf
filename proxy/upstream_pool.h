#pragma once
// UpstreamPool is nginx's round-robin balancer for one upstream block in one worker: smooth weighted
// round robin with passive health (max_fails / fail_timeout), backups, max_conns and the per-request
// tried set — ngx_http_upstream_round_robin.c transcribed (semantics.md §1). Pure: time is
// an argument, no I/O, not thread-safe (the caller serialises access, as a worker's event loop does).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "proxy/nginx_config.h"

namespace bg::proxy {

// A peer: the primary list or the backup list, and its index in config order there.
struct PeerRef {
  bool backup = false;
  size_t index = 0;
  bool operator==(const PeerRef&) const = default;
};

// Per-request balancer state (nginx's ngx_http_upstream_rr_peer_data_t plus pc->tries).
struct PeerRequest {
  int tries = 0;            // attempts this request may still make
  bool on_backup = false;   // once the primaries gave nothing, only backups are scanned
  std::vector<bool> tried;  // one bit per peer of the list being scanned
  std::optional<PeerRef> current;
  int fails_at_pick = 0;  // the current peer's fails when it was picked (>= max_fails: a probe)
};

// What free_peer changed, so the caller can log it as nginx does.
struct PeerTransition {
  bool disabled = false;        // fails reached max_fails: nginx logs "upstream server temporarily disabled"
  bool newly_disabled = false;  // ...starting a new window: first reaching max_fails, or a failed probe
  bool recovered = false;       // a success cleared fails that had reached max_fails
};

struct PeerSnapshot {
  std::string address;  // as written in the config
  bool backup = false;
  bool down = false;
  int weight = 1;
  int effective_weight = 1;
  int current_weight = 0;
  int fails = 0;
  int conns = 0;
  int64_t checked_s = 0;   // nginx's whole-second clock
  bool selectable = true;  // would pass get_peer's filters at `now` (ignoring a request's tried set)
};

class UpstreamPool {
 public:
  explicit UpstreamPool(const Upstream& upstream);

  const std::string& name() const { return name_; }
  // nginx's peers->single: one primary and no backup; never marked failed, never retried.
  bool single() const { return single_; }

  // Starts a request: tries = number of non-down peers (primaries + backups), capped by
  // proxy_next_upstream_tries when non-zero.
  PeerRequest begin_request(int next_upstream_tries = 0) const;
  // Picks the next peer, or nullopt when none is eligible (nginx: NGX_BUSY, "no live upstreams").
  std::optional<PeerRef> get_peer(PeerRequest& request, core::Time now);
  // Ends the attempt on request.current: failure accounting, conns--, tries--.
  PeerTransition free_peer(PeerRequest& request, bool failed, core::Time now);

  const UpstreamServer& server(PeerRef ref) const { return list(ref.backup)[ref.index].config; }
  std::vector<PeerSnapshot> snapshot(core::Time now) const;

  // nginx's ngx_time(): whole seconds, so a fail_timeout window lasts between 10 and 11 s (§7).
  static int64_t whole_seconds(core::Time t);

 private:
  struct Peer {
    UpstreamServer config;
    int effective_weight = 1;
    int current_weight = 0;
    int fails = 0;
    int conns = 0;
    int64_t accessed = 0;
    int64_t checked = 0;
  };
  std::vector<Peer>& list(bool backup) { return backup ? backups_ : primaries_; }
  const std::vector<Peer>& list(bool backup) const { return backup ? backups_ : primaries_; }
  static bool failed_recently(const Peer& p, int64_t now_s);
  std::optional<size_t> pick_weighted(std::vector<Peer>& peers, std::vector<bool>& tried, int64_t now_s);
  std::optional<PeerRef> pick_from(PeerRequest& request, int64_t now_s);

  std::string name_;
  std::vector<Peer> primaries_;
  std::vector<Peer> backups_;
  bool single_ = false;
};

}  // namespace bg::proxy
