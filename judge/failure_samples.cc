#include "judge/failure_samples.h"

#include <fmt/format.h>

namespace bg::judge {

void FailureSamples::update(const std::string& container, const std::string& what, core::Time at) {
  auto& s = states_[container];
  if (!s.what.empty()) {
    s.before = s.what;
    s.before_at = s.at;
    s.has_before = true;
  }
  s.what = what;
  s.at = at;
  // An event that happened before a sampled failure but was appended after it.
  for (auto& [id, snap] : snapshots_)
    if (at <= snap.at) snap.states[container] = what;
}

// What each container was doing at instant t: its last state at or before t.
FailureSamples::Snapshot FailureSamples::snapshot_at(const Key& key, core::Time t) const {
  Snapshot snap{key, t, {}};
  for (const auto& [name, s] : states_) {
    if (s.at <= t)
      snap.states[name] = s.what;
    else if (s.has_before && s.before_at <= t)
      snap.states[name] = s.before;
  }
  return snap;
}

void FailureSamples::observe(const core::Entry& entry) {
  if (auto* c = std::get_if<core::ContainerEvent>(&entry.event)) {
    // The states are printed in each sample ("blue-blue-1: stop_requested"), so kept as their names.
    update(c->container, std::string(core::container_what_name(c->what)), c->at);
  } else if (auto* a = std::get_if<core::AppEvent>(&entry.event)) {
    if (a->what != core::AppWhat::execution && a->what != core::AppWhat::cut)
      update(a->container, "app " + std::string(core::app_what_name(a->what)), a->at);
  } else if (auto* q = std::get_if<core::RequestEvent>(&entry.event); q && q->outcome != core::Outcome::ok) {
    const Key key{q->start, entry.seq};
    if (candidates_.size() == keep_ && !(key < *candidates_.rbegin())) return;
    candidates_.insert(key);
    snapshots_[q->id] = snapshot_at(key, q->end);
    if (candidates_.size() > keep_) {
      const Key dropped = *candidates_.rbegin();
      candidates_.erase(dropped);
      samples_.erase(dropped);
      std::erase_if(snapshots_, [&](const auto& kv) { return kv.second.key == dropped; });
    }
  }
}

void FailureSamples::joined(const reports::JoinedFailure& f) {
  auto snap = snapshots_.find(f.request.id);
  if (snap == snapshots_.end()) return;
  reports::FailureSample sample{f.request, f.cause()};
  for (const auto& line : f.error_log) sample.proxy_log.push_back(fmt::format("[{}] {}", line.level, line.message));
  for (const auto& [name, what] : snap->second.states) sample.containers.push_back(name + ": " + what);
  samples_[snap->second.key] = std::move(sample);
}

std::vector<reports::FailureSample> FailureSamples::finish() const {
  std::vector<reports::FailureSample> out;
  for (const auto& [key, sample] : samples_) out.push_back(sample);
  return out;
}

}  // namespace bg::judge
