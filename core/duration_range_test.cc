#include "core/duration_range.h"

#include <gtest/gtest.h>

#include <vector>

namespace bg::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const DurationRange kRange{milliseconds(2500), milliseconds(3500)};

std::vector<Duration> draws(const DurationRange& r, uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<Duration> out;
  for (int i = 0; i < n; ++i) out.push_back(r.draw(rng));
  return out;
}

}  // namespace

// Goal: one seed draws the same sequence (a replay starts, builds and swaps as the run did).
TEST(DurationRange, SameSeedSameDraws) { EXPECT_EQ(draws(kRange, 7, 50), draws(kRange, 7, 50)); }

// Goal: another seed draws other values: the range varies between runs, which is its point.
TEST(DurationRange, OtherSeedsDrawOtherValues) {
  EXPECT_NE(draws(kRange, 7, 50), draws(kRange, 8, 50));
  EXPECT_NE(draws(kRange, 7, 1), draws(kRange, 8, 1));  // even the first draw
}

// Goal: every draw lies within the range, both ends included, and the draws spread over it (not
// stuck at one end, which a swapped min and max or a truncating conversion would give).
TEST(DurationRange, DrawsStayWithinBoundsAndSpread) {
  Duration lowest = Duration::max(), highest = Duration::min();
  for (Duration d : draws(kRange, 1, 2000)) {
    EXPECT_GE(d, kRange.min);
    EXPECT_LE(d, kRange.max);
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  EXPECT_LT(lowest, milliseconds(2600));
  EXPECT_GT(highest, milliseconds(3400));
  // A range one microsecond wide still draws only its two values.
  const DurationRange narrow{Duration(5), Duration(6)};
  for (Duration d : draws(narrow, 3, 100)) EXPECT_TRUE(d == Duration(5) || d == Duration(6));
}

// Goal: a fixed value is what it always was: never drawn, so the stream it is given stays where it
// was and the numbers another draw takes from it do not move.
TEST(DurationRange, AFixedValueDoesNotDraw) {
  const DurationRange fixed = seconds(3);
  EXPECT_TRUE(fixed.fixed());
  Rng used(9), untouched(9);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(fixed.draw(used), seconds(3));
  EXPECT_EQ(used.next_u64(), untouched.next_u64());
}

// Goal: the range reads as scenario.yaml writes it, and the history's note says what was drawn and
// from where.
TEST(DurationRange, SaysItselfAsWritten) {
  EXPECT_EQ(kRange.text(), "2.5s..3.5s");
  EXPECT_EQ(DurationRange(seconds(3)).text(), "3s");
  EXPECT_EQ(drawn_note("listen_delay", milliseconds(3420), kRange), "listen_delay 3.420s (drawn from 2.5s..3.5s)");
  EXPECT_EQ(drawn_suffix("listen_delay", milliseconds(3420), kRange), " listen_delay 3.420s (drawn from 2.5s..3.5s)");
  // A fixed value was not drawn: nothing is said of it.
  EXPECT_EQ(drawn_note("listen_delay", seconds(3), DurationRange(seconds(3))), "");
  EXPECT_EQ(drawn_suffix("listen_delay", seconds(3), DurationRange(seconds(3))), "");
}

}  // namespace bg::core
