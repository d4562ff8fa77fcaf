#include "explore/odds.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace bg::explore {

Interval wilson_interval(int64_t k, int64_t n, double z) {
  if (n <= 0) return {0, 1};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Spread spread_of(std::vector<int64_t> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  return {values.front(), values[(values.size() - 1) / 2], values.back()};  // the lower median
}

Odds tally_odds(const std::vector<reports::RunResult>& runs) {
  Odds odds;
  std::vector<int64_t> failed;
  std::vector<std::vector<int64_t>> swap_failed;
  for (const auto& r : runs) {
    ++odds.runs;
    if (r.verdict != core::Verdict::held && r.verdict != core::Verdict::violated) {
      ++odds.errors;
      if (odds.error_examples.size() < 3) odds.error_examples.push_back(fmt::format("seed {}: {}", r.seed, r.error));
      continue;
    }
    ++odds.judged;
    odds.violating += r.verdict == core::Verdict::violated;
    failed.push_back(r.failed);
    for (const auto& inv : r.invariants) {
      auto it = std::find_if(odds.invariants.begin(), odds.invariants.end(),
                             [&](const InvariantOdds& o) { return o.invariant == inv.name; });
      if (it == odds.invariants.end()) it = odds.invariants.insert(odds.invariants.end(), InvariantOdds{inv.name});
      it->violating += !inv.held;
    }
    for (size_t i = 0; i < r.swaps.size(); ++i) {
      if (odds.swaps.size() <= i) {
        odds.swaps.push_back(SwapOdds{static_cast<int>(i) + 1});
        swap_failed.emplace_back();
      }
      ++odds.swaps[i].judged;
      odds.swaps[i].losing += r.swaps[i].lost.total() > 0;
      swap_failed[i].push_back(r.swaps[i].lost.total());
    }
  }
  odds.interval = wilson_interval(odds.violating, odds.judged);
  odds.failed = spread_of(failed);
  for (auto& inv : odds.invariants) inv.interval = wilson_interval(inv.violating, odds.judged);
  for (size_t i = 0; i < odds.swaps.size(); ++i) {
    odds.swaps[i].interval = wilson_interval(odds.swaps[i].losing, odds.swaps[i].judged);
    odds.swaps[i].failed = spread_of(swap_failed[i]);
  }
  return odds;
}

namespace {

std::string share(int64_t k, int64_t n, const Interval& i) {
  if (n == 0) return "no judged run";
  return fmt::format("{} of {} ({:.0f} %, 95 % interval {:.0f}-{:.0f} %)", k, n,
                     100.0 * static_cast<double>(k) / static_cast<double>(n), 100 * i.low, 100 * i.high);
}

std::string spread(const Spread& s) { return fmt::format("min {} · median {} · max {}", s.min, s.median, s.max); }

}  // namespace

std::string format_odds(const Odds& odds, const std::string& scenario) {
  std::string out = fmt::format("odds for {}: {} runs, {} judged, {} harness errors (left out)\n", scenario, odds.runs,
                                odds.judged, odds.errors);
  out += fmt::format("violating runs: {}\n", share(odds.violating, odds.judged, odds.interval));
  out += fmt::format("failed requests per run: {}\n", spread(odds.failed));
  for (const auto& inv : odds.invariants)
    out += fmt::format("  {:<24} violated in {}\n", inv.invariant, share(inv.violating, odds.judged, inv.interval));
  for (const auto& s : odds.swaps)
    out += fmt::format("  swap {:<3} lost requests in {}; failed per run: {}\n", s.swap,
                       share(s.losing, s.judged, s.interval), spread(s.failed));
  for (const auto& e : odds.error_examples) out += "  harness error: " + e + "\n";
  return out;
}

}  // namespace bg::explore
