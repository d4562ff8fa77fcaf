#include "sim/loss_attribution.h"

#include <algorithm>
#include <limits>

namespace bg::sim {
namespace {

constexpr core::Time kForever(std::numeric_limits<int64_t>::max());

bool reached(const std::optional<core::Time>& stage, core::Time t) { return stage && *stage <= t; }

// One swap's stretch of the run: [from, to).
struct Stretch {
  core::Time from{}, to = kForever;
  reports::SwapSummary* swap = nullptr;   // nullptr: the steady state before the first push
};

std::vector<Stretch> stretches(std::vector<reports::SwapSummary>& swaps) {
  std::vector<Stretch> out{{core::Time(std::numeric_limits<int64_t>::min()), kForever, nullptr}};
  for (auto& s : swaps)
    if (auto from = s.pushed ? s.pushed : s.started) out.push_back({*from, kForever, &s});
  std::stable_sort(out.begin() + 1, out.end(), [](const Stretch& a, const Stretch& b) { return a.from < b.from; });
  for (size_t i = 0; i + 1 < out.size(); ++i) out[i].to = out[i + 1].from;
  return out;
}

// The stretch holding `t`: the last one that began at or before it.
Stretch& stretch_at(std::vector<Stretch>& all, core::Time t) {
  auto it = std::upper_bound(all.begin() + 1, all.end(), t, [](core::Time x, const Stretch& s) { return x < s.from; });
  return *(it - 1);
}

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
  auto all = stretches(swaps);
  const auto losses = [&](Stretch& st) -> reports::Losses& { return st.swap ? st.swap->lost : before; };

  for (const auto& q : lost) {
    auto& st = stretch_at(all, q.at);
    auto& l = losses(st);
    (q.indeterminate ? l.indeterminate : l.failed)++;
    if (st.swap) ++l.by_phase[static_cast<size_t>(phase_at(*st.swap, q.at))];
  }
  // An outage that spans a push is split at it: each swap shows its own part.
  for (const auto& span : outage)
    for (auto& st : all) {
      const auto from = std::max(span.from, st.from), to = std::min(span.to, st.to);
      if (from < to) losses(st).outage += to - from;
    }
}

}  // namespace bg::sim
