#include "judge/checker_cut_in_flight.h"

#include <fmt/format.h>

#include <algorithm>

namespace bg::judge {

reports::InvariantResult NoCutInFlightChecker::check(const std::vector<core::Entry>& entries) const {
  NoCutInFlightChecker fresh;
  return check_whole(fresh, entries);
}

void NoCutInFlightChecker::judge(const Cut& cut, const core::RequestEvent* q) {
  const auto& a = cut.event;
  const bool seen = !q || q->outcome != core::Outcome::ok || q->method == "POST";
  if (!seen) {
    ++absorbed_;
    return;
  }
  const std::string client = !q ? "no client request of that id"
                                : fmt::format("the client's {} {} got {}", q->method, q->path,
                                              q->status ? std::to_string(q->status) : q->error);
  evidence_.add(cut.seq,
                fmt::format("{} (build {}) dropped request #{} in flight at {}{}; {}", a.container, a.build_id,
                            a.request_id, checker_secs(a.at), a.detail.empty() ? "" : " (" + a.detail + ")", client));
}

// An ok GET is all a cut needs to know it went unseen, so those are kept by id alone.
void NoCutInFlightChecker::remember(const core::RequestEvent& q) {
  if (q.outcome == core::Outcome::ok && q.method != "POST")
    recent_unseen_[q.id] = q.end;
  else
    recent_seen_[q.id] = q;
  recent_order_.emplace_back(q.end, q.id);
}

void NoCutInFlightChecker::forget_old(core::Time clock) {
  while (!recent_order_.empty() && recent_order_.front().first + core::kAppendLag < clock) {
    recent_seen_.erase(recent_order_.front().second);
    recent_unseen_.erase(recent_order_.front().second);
    recent_order_.pop_front();
  }
}

void NoCutInFlightChecker::observe(const core::Entry& entry, const HistoryContext& context) {
  if (auto* a = std::get_if<core::AppEvent>(&entry.event); a && a->what == core::AppWhat::cut && a->request_id == 0) {
    // No X-Request-Id: not a client's request but a health check, a script's curl or a docker exec
    // probe. Its cut tells nothing about what clients saw; it is counted apart.
    ++not_client_;
  } else if (a && a->what == core::AppWhat::cut) {
    const Cut cut{entry.seq, *a};
    if (auto seen = recent_seen_.find(a->request_id); seen != recent_seen_.end()) {
      judge(cut, &seen->second);
    } else if (auto unseen = recent_unseen_.find(a->request_id); unseen != recent_unseen_.end()) {
      core::RequestEvent ok_get;
      ok_get.method = "GET";
      judge(cut, &ok_get);
    } else {
      waiting_[a->request_id].push_back(cut);
      arrivals_.emplace_back(a->at, a->request_id);
    }
  } else if (auto* q = std::get_if<core::RequestEvent>(&entry.event)) {
    if (auto it = waiting_.find(q->id); it != waiting_.end()) {
      for (const auto& cut : it->second) judge(cut, q);
      waiting_.erase(it);
    }
    remember(*q);
  }
  forget_old(context.clock);
  // A cut whose request never came within the lag: no client sent it (or it is lost).
  while (!arrivals_.empty() && arrivals_.front().first + core::kAppendLag < context.clock) {
    const uint64_t id = arrivals_.front().second;
    arrivals_.pop_front();
    if (auto it = waiting_.find(id); it != waiting_.end()) {
      for (const auto& cut : it->second) judge(cut, nullptr);
      waiting_.erase(it);
    }
  }
}

reports::InvariantResult NoCutInFlightChecker::finish(const HistoryContext&) {
  std::vector<Cut> left;
  for (auto& [id, cuts] : waiting_) left.insert(left.end(), cuts.begin(), cuts.end());
  std::sort(left.begin(), left.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (const auto& cut : left) judge(cut, nullptr);
  waiting_.clear();
  arrivals_.clear();
  recent_seen_.clear();
  recent_unseen_.clear();
  recent_order_.clear();
  reports::InvariantResult r{"no_cut_in_flight"};
  evidence_.into(r);
  r.held = r.violations == 0;
  const std::string unseen =
      absorbed_ ? fmt::format(" ({} cut GETs were passed on to another peer unseen by the client)", absorbed_) : "";
  const std::string probes =
      not_client_
          ? fmt::format(" ({} cut requests were not the clients': health checks and script probes)", not_client_)
          : "";
  r.summary = r.held ? "no backend dropped a request the client could tell" + unseen + probes
                     : fmt::format("{} requests accepted by a backend were cut by its shutdown{}{}", r.violations,
                                   unseen, probes);
  return r;
}

}  // namespace bg::judge
