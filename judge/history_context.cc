#include "judge/history_context.h"

#include <algorithm>

namespace bg::judge {

void HistoryContext::observe(const core::Entry& entry) {
  clock = std::max(clock, core::event_time(entry.event));
  swaps.observe(entry);
  if (auto* a = std::get_if<core::AppEvent>(&entry.event); a && !a->build_id.empty()) {
    // The first mention is normally the earliest in time too, but a history read back in another
    // order ranks the same.
    auto [it, inserted] = build_first_seen.emplace(a->build_id, a->at);
    if (!inserted && a->at < it->second) it->second = a->at;
  }
}

bool HistoryContext::newer(const std::string& a, const std::string& b) const {
  auto ia = build_first_seen.find(a), ib = build_first_seen.find(b);
  if (ia == build_first_seen.end() || ib == build_first_seen.end()) return false;
  return std::pair{ib->second, ib->first} < std::pair{ia->second, ia->first};
}

}  // namespace bg::judge
