#pragma once
// CaseLookahead: runs the cases `check`'s search will ask for next on several workers at once, while
// the search still takes each result in its own order, one at a time: on N cores, about N cases in
// the time of one. The search's cases do not depend on the results before them (RapidCheck draws the
// k-th case from the k-th split of its seed, and case_gen draws at full size), so they are known in
// advance (`upcoming`). A result is handed over only for the very case, at the very position and
// under the very case number (its case-N folder) a one-at-a-time search gives it; when any of these
// differs the caller runs the case itself, and the lookahead starts again from there. So the cases,
// their folders and every line printed are those of a sequential search, whatever the workers'
// timing; only the wall time differs. Shrinking stays sequential: each shrink follows from the
// result of the last.
//
// What is run ahead and never taken (the cases after the first violation) is dropped: waited for,
// then `drop` removes what it left (its case folder).
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "explore/case_space.h"
#include "reports/run_result.h"

namespace bg::explore {

class CaseLookahead {
 public:
  // Runs one case as case number `index`; called on the workers, several at once.
  using Run = std::function<reports::RunResult(const Case& c, int index)>;
  // Removes what the run of case number `index` left, its result not being taken.
  using Drop = std::function<void(int index)>;

  // `upcoming`: the search's cases in the order it draws them; the first is run as `first_index`.
  CaseLookahead(std::vector<Case> upcoming, int first_index, int workers, Run run, Drop drop);
  ~CaseLookahead();  // stop()
  CaseLookahead(const CaseLookahead&) = delete;
  CaseLookahead& operator=(const CaseLookahead&) = delete;

  // The result of the search's case at `position` (counting every case it drew, those it declined
  // unrun as repeats included), `c`, which the search runs as case number `index`; waits for it.
  // nullopt when this is not the case expected there (the caller runs it). Rethrows what its run
  // threw.
  std::optional<reports::RunResult> take(size_t position, const Case& c, int index);
  // No further case starts; those running are waited for, and every result not taken is dropped.
  void stop();

 private:
  struct Slot {
    int index = 0;
    bool done = false;
    reports::RunResult result;
    std::exception_ptr error;
  };
  void work();
  // Waits for the runs in flight, then drops every result not taken (the caller holds lock).
  void drop_all(std::unique_lock<std::mutex>& lock);
  // Whether the case at `position` repeats an earlier one, which the search declines unrun.
  bool repeat(size_t position) const { return repeats_[position]; }

  const std::vector<Case> upcoming_;
  std::vector<bool> repeats_;
  // How far past the case being waited for cases may start: several cases per worker, so that a
  // worker done with a short case starts another while a long one (3 swaps) is still being waited
  // for, instead of the workers going in step. What it costs is the cases run past the first
  // violation, dropped unused; only those still running then are waited for.
  static constexpr size_t kCasesPerWorker = 4;
  const size_t window_;
  Run run_;
  Drop drop_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<size_t, Slot> slots_;  // by position: started, not yet taken
  size_t next_position_ = 0;      // the next case to start
  int next_index_;                // and its case number
  size_t waited_ = 0;             // the position the search is at
  int running_ = 0;
  bool pausing_ = false;  // while the running cases end, before what was run ahead is dropped
  bool stopped_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace bg::explore
