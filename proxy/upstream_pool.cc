#include "proxy/upstream_pool.h"

namespace bg::proxy {

UpstreamPool::UpstreamPool(const Upstream& upstream) : name_(upstream.name) {
  for (const auto& s : upstream.servers) {
    Peer p;
    p.config = s;
    p.effective_weight = s.weight;
    list(s.backup).push_back(p);
  }
  // ngx_http_upstream_init_round_robin: single = (n == 1), cleared when backups exist.
  single_ = primaries_.size() == 1 && backups_.empty();
}

int64_t UpstreamPool::whole_seconds(core::Time t) {
  int64_t us = t.count();
  return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

PeerRequest UpstreamPool::begin_request(int next_upstream_tries) const {
  PeerRequest r;
  for (const auto* peers : {&primaries_, &backups_})
    for (const auto& p : *peers)
      if (!p.config.down) ++r.tries;
  if (next_upstream_tries > 0 && r.tries > next_upstream_tries) r.tries = next_upstream_tries;
  r.tried.assign(primaries_.size(), false);
  return r;
}

bool UpstreamPool::failed_recently(const Peer& p, int64_t now_s) {
  int64_t fail_timeout_s = p.config.fail_timeout.count() / 1000000;
  return p.config.max_fails && p.fails >= p.config.max_fails && now_s - p.checked <= fail_timeout_s;
}

// ngx_http_upstream_get_peer: every eligible peer gains its effective weight, the heaviest wins
// (strict >, so the earlier peer wins ties) and pays back the total.
std::optional<size_t> UpstreamPool::pick_weighted(std::vector<Peer>& peers, std::vector<bool>& tried, int64_t now_s) {
  Peer* best = nullptr;
  size_t best_index = 0;
  int total = 0;
  for (size_t i = 0; i < peers.size(); ++i) {
    Peer& p = peers[i];
    if (tried[i] || p.config.down || failed_recently(p, now_s)) continue;
    if (p.config.max_conns && p.conns >= p.config.max_conns) continue;
    p.current_weight += p.effective_weight;
    total += p.effective_weight;
    if (p.effective_weight < p.config.weight) ++p.effective_weight;
    if (!best || p.current_weight > best->current_weight) best = &p, best_index = i;
  }
  if (!best) return std::nullopt;
  tried[best_index] = true;
  best->current_weight -= total;
  // The probe: a peer whose window has passed is picked once, and `checked` moves so that other
  // requests skip it again until this one resolves or another window passes.
  if (now_s - best->checked > best->config.fail_timeout.count() / 1000000) best->checked = now_s;
  return best_index;
}

// ngx_http_upstream_get_round_robin_peer, including the fall-through to the backup list. Since
// nginx 1.11.5 there is no "quick recovery" reset of fails when every peer is unavailable.
std::optional<PeerRef> UpstreamPool::pick_from(PeerRequest& request, int64_t now_s) {
  auto& peers = list(request.on_backup);
  if (!request.on_backup && single_) {
    Peer& p = peers[0];
    if (!p.config.down && !(p.config.max_conns && p.conns >= p.config.max_conns)) return PeerRef{false, 0};
  } else if (auto i = pick_weighted(peers, request.tried, now_s)) {
    return PeerRef{request.on_backup, *i};
  }
  if (!request.on_backup && !backups_.empty()) {
    request.on_backup = true;
    request.tried.assign(backups_.size(), false);
    return pick_from(request, now_s);
  }
  return std::nullopt;
}

std::optional<PeerRef> UpstreamPool::get_peer(PeerRequest& request, core::Time now) {
  request.current.reset();
  auto ref = pick_from(request, whole_seconds(now));
  if (!ref) return std::nullopt;
  request.current = ref;
  Peer& p = list(ref->backup)[ref->index];
  request.fails_at_pick = p.fails;
  ++p.conns;
  return ref;
}

// ngx_http_upstream_free_round_robin_peer.
PeerTransition UpstreamPool::free_peer(PeerRequest& request, bool failed, core::Time now) {
  PeerTransition t;
  if (!request.current) return t;
  Peer& p = list(request.current->backup)[request.current->index];
  request.current.reset();
  if (p.conns > 0) --p.conns;
  if (single_) {
    request.tries = 0;  // a single server is never marked failed and never retried
    return t;
  }
  int64_t now_s = whole_seconds(now);
  if (failed) {
    // A request that picked the peer before another one disabled it adds no new window; a probe does.
    bool starts_window = p.fails < p.config.max_fails || request.fails_at_pick >= p.config.max_fails;
    ++p.fails;
    p.accessed = p.checked = now_s;
    if (p.config.max_fails) {
      p.effective_weight -= p.config.weight / p.config.max_fails;
      t.disabled = p.fails >= p.config.max_fails;
      t.newly_disabled = t.disabled && starts_window;
    }
    if (p.effective_weight < 0) p.effective_weight = 0;
  } else if (p.accessed < p.checked) {
    // The peer was checked (probed) after its last failure and answered: it is live again.
    t.recovered = p.config.max_fails && p.fails >= p.config.max_fails;
    p.fails = 0;
  }
  if (request.tries > 0) --request.tries;
  return t;
}

std::vector<PeerSnapshot> UpstreamPool::snapshot(core::Time now) const {
  std::vector<PeerSnapshot> out;
  int64_t now_s = whole_seconds(now);
  for (const auto* peers : {&primaries_, &backups_}) {
    for (const auto& p : *peers) {
      PeerSnapshot s;
      s.address = p.config.address;
      s.backup = p.config.backup;
      s.down = p.config.down;
      s.weight = p.config.weight;
      s.effective_weight = p.effective_weight;
      s.current_weight = p.current_weight;
      s.fails = p.fails;
      s.conns = p.conns;
      s.checked_s = p.checked;
      s.selectable = !p.config.down && (single_ || !failed_recently(p, now_s)) &&
                     !(p.config.max_conns && p.conns >= p.config.max_conns);
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace bg::proxy
