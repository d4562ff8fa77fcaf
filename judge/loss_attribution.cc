#include "judge/loss_attribution.h"

#include <algorithm>

namespace bg::judge {
namespace {

bool reached(const std::optional<core::Time>& stage, core::Time t) { return stage && *stage <= t; }

}  // namespace

reports::SwapPhase phase_at(const reports::SwapSummary& s, core::Time t) {
  using P = reports::SwapPhase;
  if (reached(s.finished, t)) return P::after_script;
  if (reached(s.old_stopped, t)) return P::old_down;
  if (reached(s.old_stop_requested, t)) return P::old_draining;
  if (reached(s.new_ready, t)) return P::both_serving;
  if (reached(s.new_started, t)) return P::new_starting;
  return P::build;
}

void attribute_losses(std::vector<reports::SwapSummary>& swaps, reports::Losses& before,
                      const std::vector<LostRequest>& lost, const std::vector<OutageSpan>& outage) {
  for (auto& s : swaps) s.lost = {};
  before = {};
  const auto all = reports::stretches(swaps);
  const auto losses = [&](const reports::Stretch& st) -> reports::Losses& {
    return st.swap >= 0 ? swaps[static_cast<size_t>(st.swap)].lost : before;
  };
  for (const auto& q : lost) {
    const auto& st = reports::stretch_at(all, q.at);
    auto& l = losses(st);
    (q.indeterminate ? l.indeterminate : l.failed)++;
    if (st.swap >= 0) ++l.by_phase[static_cast<size_t>(phase_at(swaps[static_cast<size_t>(st.swap)], q.at))];
  }
  // An outage that spans a push is split at it: each swap shows its own part.
  for (const auto& span : outage)
    for (const auto& st : all) {
      const auto from = std::max(span.from, st.from), to = std::min(span.to, st.to);
      if (from < to) losses(st).outage += to - from;
    }
}

}  // namespace bg::judge
