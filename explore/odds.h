#pragma once
// Odds: how often a deployment breaks, from N runs of it with different seeds (each seed draws its
// own request arrivals and, where the scenario gives a range, its build durations, start delays and
// push times: core/duration_range.h), so a race reads as "this swap loses requests in 38 % of
// deploys (95 % interval 35-41 %)" rather than "it failed once". Pure: it tallies finished runs;
// `bluegreen odds` runs them.
// A run that ended in a harness error says nothing about the deployment: it is counted apart and
// left out of every share.
#include <cstdint>
#include <string>
#include <vector>

#include "reports/run_result.h"

namespace bg::explore {

struct Interval {
  double low = 0, high = 0;
};

// The Wilson score interval for `k` successes in `n` trials, at z = 1.96 (95 %): unlike the normal
// approximation it stays inside [0, 1] and says something at k = 0 (0 of 20 is [0, 16 %], not
// [0, 0]). n = 0 gives [0, 1].
Interval wilson_interval(int64_t k, int64_t n, double z = 1.959963984540054);

// Smallest, median (the lower of the two middle values) and largest of a set of counts (all 0 when
// empty).
struct Spread {
  int64_t min = 0, median = 0, max = 0;
};
Spread spread_of(std::vector<int64_t> values);

struct InvariantOdds {
  std::string invariant;
  int64_t violating = 0;  // judged runs in which it was violated
  Interval interval;
};

struct SwapOdds {
  int swap = 0;        // 1-based
  int64_t losing = 0;  // judged runs in which this swap lost at least one request
  int64_t judged = 0;  // judged runs that reached this swap
  Interval interval;
  Spread failed;  // failed requests of this swap per judged run
};

struct Odds {
  int64_t runs = 0;                         // runs tallied
  int64_t judged = 0;                       // ... of which ended in a verdict
  int64_t errors = 0;                       // ... of which ended in a harness error (left out)
  std::vector<std::string> error_examples;  // the first few, "seed N: message"
  int64_t violating = 0;                    // judged runs in which any invariant was violated
  Interval interval;
  Spread failed;                          // failed requests per judged run
  std::vector<InvariantOdds> invariants;  // every invariant checked, in the runs' order
  std::vector<SwapOdds> swaps;
};

Odds tally_odds(const std::vector<reports::RunResult>& runs);

// The table `bluegreen odds` prints.
std::string format_odds(const Odds& odds, const std::string& scenario);

}  // namespace bg::explore
