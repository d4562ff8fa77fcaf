#include "reports/run_result.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace bg::reports {

const char* phase_label(SwapPhase phase) {
  switch (phase) {
    case SwapPhase::build:
      return "build";
    case SwapPhase::new_starting:
      return "new color starting";
    case SwapPhase::both_serving:
      return "both serving";
    case SwapPhase::old_draining:
      return "old color draining";
    case SwapPhase::old_down:
      return "old color down";
    case SwapPhase::after_script:
      return "after the script";
  }
  return "?";
}

std::vector<Stretch> stretches(const std::vector<SwapSummary>& swaps) {
  const core::Time forever(std::numeric_limits<int64_t>::max());
  std::vector<Stretch> out{{-1, core::Time(std::numeric_limits<int64_t>::min()), forever}};
  for (size_t i = 0; i < swaps.size(); ++i)
    if (auto from = swaps[i].pushed ? swaps[i].pushed : swaps[i].started)
      out.push_back({static_cast<int>(i), *from, forever});
  std::stable_sort(out.begin() + 1, out.end(), [](const Stretch& a, const Stretch& b) { return a.from < b.from; });
  for (size_t i = 0; i + 1 < out.size(); ++i) out[i].to = out[i + 1].from;
  return out;
}

const Stretch& stretch_at(const std::vector<Stretch>& all, core::Time t) {
  auto it = std::upper_bound(all.begin() + 1, all.end(), t, [](core::Time x, const Stretch& s) { return x < s.from; });
  return *(it - 1);
}

core::Time lost_at(const core::RequestEvent& q) { return q.outcome == core::Outcome::info ? q.start : q.end; }

std::string engines_line(const RunResult& r) {
  return fmt::format("proxy {}{} · app {} Next.js {} · engine {}", r.proxy_engine,
                     r.proxy_engine == "nginx" ? " (real)" : "", r.app_engine, r.app_version, r.engine);
}

std::string stretch_name(int swap) { return swap ? fmt::format("swap {}", swap) : "before the first swap"; }

std::string diagnosis_name(const Diagnosis& d) { return d.race.empty() ? "no known race" : d.race + " " + d.title; }

std::string diagnosis_count(const Diagnosis& d) {
  if (d.requests == 0) return "";
  return fmt::format(" ({} request{})", d.requests, d.requests == 1 ? "" : "s");
}

std::string lost_text(const Losses& l) {
  return l.indeterminate ? fmt::format("{} + {} indeterminate", l.failed, l.indeterminate) : std::to_string(l.failed);
}

std::string phases_text(const Losses& l) {
  std::vector<size_t> order;
  for (size_t i = 0; i < kSwapPhaseCount; ++i)
    if (l.by_phase[i]) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return l.by_phase[a] > l.by_phase[b]; });
  std::string out;
  for (size_t i : order)
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", phase_label(static_cast<SwapPhase>(i)), l.by_phase[i]);
  return out;
}

}  // namespace bg::reports
