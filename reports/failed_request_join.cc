#include "reports/failed_request_join.h"

#include <algorithm>

namespace bg::reports {

std::string request_failure_class(const core::RequestEvent& q, const std::vector<core::ProxyEvent>& log) {
  if (q.status == 0) return q.error.empty() ? "no_response" : q.error;
  std::string cls = std::to_string(q.status);
  // The last error-log line of the request says why the proxy gave up.
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    const std::string& text = it->message;
    if (it->level != "error") continue;
    if (text.find("no live upstreams") != std::string::npos) return cls + " no live upstreams";
    if (text.find("prematurely closed") != std::string::npos) return cls + " upstream prematurely closed";
    if (text.find("Connection refused") != std::string::npos) return cls + " connection refused";
    if (text.find("Connection reset") != std::string::npos) return cls + " connection reset";
    if (text.find("timed out") != std::string::npos) return cls + " upstream timed out";
  }
  return cls;
}

FailedRequestJoin::FailedRequestJoin(Sink sink, core::Duration lag) : sink_(std::move(sink)), lag_(lag) {}

void FailedRequestJoin::observe(const core::Entry& entry) {
  clock_ = std::max(clock_, core::event_time(entry.event));
  if (auto* p = std::get_if<core::ProxyEvent>(&entry.event);
      p && p->kind == core::ProxyEventKind::error_log && p->request_id) {
    if (auto it = waiting_by_id_.find(p->request_id); it != waiting_by_id_.end()) {
      waiting_.at(it->second).error_log.push_back(*p);
    } else {
      auto& held = lines_[p->request_id];
      held.lines.push_back(*p);
      held.last = std::max(held.last, p->at);
    }
  } else if (auto* q = std::get_if<core::RequestEvent>(&entry.event)) {
    auto lines = lines_.extract(q->id);
    if (q->outcome != core::Outcome::ok) {
      const Key key{q->end, entry.seq};
      JoinedFailure f{entry.seq, *q, lines ? std::move(lines.mapped().lines) : std::vector<core::ProxyEvent>{}};
      waiting_.emplace(key, std::move(f));
      waiting_by_id_[q->id] = key;
    }
  }
  release_settled();
  if (++observed_ % 4096 == 0) prune_lines();
}

void FailedRequestJoin::release_settled() {
  while (!waiting_.empty() && waiting_.begin()->first.first + lag_ < clock_) {
    auto node = waiting_.extract(waiting_.begin());
    waiting_by_id_.erase(node.mapped().request.id);
    sink_(std::move(node.mapped()));
  }
}

// Lines of a request that succeeded after a retry, or whose failure was already handed on.
void FailedRequestJoin::prune_lines() {
  std::erase_if(lines_, [&](const auto& kv) { return kv.second.last + lag_ < clock_; });
}

void FailedRequestJoin::finish() {
  while (!waiting_.empty()) {
    auto node = waiting_.extract(waiting_.begin());
    sink_(std::move(node.mapped()));
  }
  waiting_by_id_.clear();
  lines_.clear();
}

}  // namespace bg::reports
