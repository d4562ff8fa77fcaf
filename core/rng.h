#pragma once
// Rng: the run's only source of randomness. One 64-bit seed per run; every component draws from a
// named child stream, so adding a draw in one component never shifts another's numbers. The
// generator (xoshiro256**) and the distributions are written out here rather than taken from <random>,
// whose distributions differ between standard libraries: a seed must replay the same run anywhere.
#include <array>
#include <cstdint>
#include <string_view>

#include "core/time.h"

namespace bg::core {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  // An independent stream derived from this one's seed and `name` (not from its current position).
  Rng child(std::string_view name) const;

  uint64_t seed() const { return seed_; }
  uint64_t next_u64();
  // Uniform in [0, 1).
  double next_double();
  // Uniform integer in [lo, hi], inclusive.
  int64_t uniform_int(int64_t lo, int64_t hi);
  double uniform(double lo, double hi) { return lo + (hi - lo) * next_double(); }
  Duration uniform_duration(Duration lo, Duration hi) { return Duration(uniform_int(lo.count(), hi.count())); }
  bool bernoulli(double p) { return next_double() < p; }
  // Exponentially distributed with the given mean (Poisson inter-arrival times).
  double exponential(double mean);

 private:
  uint64_t seed_;
  std::array<uint64_t, 4> state_;
};

}  // namespace bg::core
