// CaseLookahead runs a search's next cases on several workers; the search must get exactly what a
// one-at-a-time search would: the case it asked for, run under the number it gave it, in its order.
#include "explore/case_lookahead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <vector>

namespace bg::explore {
namespace {

std::vector<Case> cases(std::vector<uint64_t> seeds) {
  std::vector<Case> out;
  for (auto s : seeds) out.push_back(Case{.seed = s});
  return out;
}

// A run that says what it ran: the case's seed as its seed, its number as its request count.
struct Runs {
  std::mutex mutex;
  std::vector<int> ran, dropped;
  CaseLookahead::Run run() {
    return [this](const Case& c, int index) {
      std::lock_guard lock(mutex);
      ran.push_back(index);
      reports::RunResult r;
      r.seed = c.seed;
      r.requests = index;
      return r;
    };
  }
  CaseLookahead::Drop drop() {
    return [this](int index) {
      std::lock_guard lock(mutex);
      dropped.push_back(index);
    };
  }
};

}  // namespace

// Goal: each case's result comes in the search's order, run under the number the search gives it,
// a repeated case is skipped as the search skips it, and nothing taken is dropped.
TEST(CaseLookahead, HandsOverEachCaseRunUnderTheSearchsNumberInItsOrder) {
  Runs runs;
  const auto upcoming = cases({10, 11, 10, 12, 13, 14});  // the third repeats the first
  {
    CaseLookahead ahead(upcoming, 1, 3, runs.run(), runs.drop());
    int index = 0;
    for (size_t position = 0; position < upcoming.size(); ++position) {
      if (position == 2) continue;  // the search declines a repeat unrun
      const auto r = ahead.take(position, upcoming[position], ++index);
      ASSERT_TRUE(r) << "position " << position;
      EXPECT_EQ(r->seed, upcoming[position].seed);
      EXPECT_EQ(r->requests, index);
    }
  }
  std::sort(runs.ran.begin(), runs.ran.end());
  EXPECT_EQ(runs.ran, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(runs.dropped.empty());
}

// Goal: once the search stops (a case violated), what was run ahead and not taken is dropped, and
// only that.
TEST(CaseLookahead, DropsWhatWasRunAheadAndNotTaken) {
  Runs runs;
  const auto upcoming = cases({1, 2, 3, 4, 5, 6, 7, 8});
  CaseLookahead ahead(upcoming, 1, 3, runs.run(), runs.drop());
  ASSERT_TRUE(ahead.take(0, upcoming[0], 1));
  ASSERT_TRUE(ahead.take(1, upcoming[1], 2));
  ahead.stop();
  std::set<int> ran(runs.ran.begin(), runs.ran.end()), dropped(runs.dropped.begin(), runs.dropped.end());
  EXPECT_EQ(runs.dropped.size(), dropped.size());  // each once
  for (int index : {1, 2}) EXPECT_EQ(dropped.count(index), 0u);
  for (int index : ran) {
    if (index > 2) {
      EXPECT_EQ(dropped.count(index), 1u) << "case " << index << " ran ahead and was kept";
    }
  }
  EXPECT_FALSE(ahead.take(2, upcoming[2], 3));  // the caller runs what comes after a stop itself
}

// Goal: when the search numbers a case otherwise than foreseen (it ran the one before twice), the
// case is run again under the search's number, the cases after it too, and the run made under the
// other number is dropped.
TEST(CaseLookahead, RunsACaseAgainWhenTheSearchNumbersItOtherwise) {
  Runs runs;
  const auto upcoming = cases({1, 2, 3, 4});
  std::vector<int> taken;
  {
    CaseLookahead ahead(upcoming, 1, 2, runs.run(), runs.drop());
    ASSERT_TRUE(ahead.take(0, upcoming[0], 1));
    const auto second = ahead.take(1, upcoming[1], 3);  // 2 went to a rerun of the first
    ASSERT_TRUE(second);
    EXPECT_EQ(second->requests, 3);
    const auto third = ahead.take(2, upcoming[2], 4);
    ASSERT_TRUE(third);
    EXPECT_EQ(third->requests, 4);
  }
  EXPECT_NE(std::find(runs.dropped.begin(), runs.dropped.end(), 2), runs.dropped.end());
}

// Goal: a case the search asks for that is not the one foreseen at its position is not answered
// (the caller runs it), and the lookahead gives up rather than hand over anything further.
TEST(CaseLookahead, DoesNotAnswerACaseOtherThanTheOneForeseen) {
  Runs runs;
  const auto upcoming = cases({1, 2, 3});
  CaseLookahead ahead(upcoming, 1, 2, runs.run(), runs.drop());
  EXPECT_FALSE(ahead.take(0, Case{.seed = 99}, 1));
  EXPECT_FALSE(ahead.take(1, upcoming[1], 2));
}

}  // namespace bg::explore
