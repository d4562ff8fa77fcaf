#pragma once
// Derives each swap's phases from a history: which container was new and which old, and when the
// new one started, became ready, first served, and when the old one was asked to stop and stopped.
// Pure: the same code serves live runs and saved histories, read one entry at a time (SwapTracker)
// in memory bounded by the number of swaps, not of requests.
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::judge {

// One swap as known so far.
struct SwapState {
  reports::SwapSummary summary;  // old_*, mixed_to are settled by SwapTracker::finish()
  // The build the new container ran from this swap's start on (its first app event naming one at
  // or after new_started): a later swap may reuse the container's name with yet another build.
  std::optional<std::string> new_build;
  struct Stop {
    std::string container;
    core::Time at{};
    std::optional<core::Time> exited;  // its first exit at or after the stop request
  };
  std::vector<Stop> stops;                     // stop requests within the deployment, in order
  std::optional<core::Time> other_build_last;  // last answer by another build, ending by `finished`
};

class SwapTracker {
 public:
  explicit SwapTracker(core::Duration lag = core::kAppendLag) : lag_(lag) {}

  // Every entry of the history, in order.
  void observe(const core::Entry& entry);
  // The history ended: settles old color, old stopped and the mixed window.
  void finish();
  // By deployment number (1 and up); each swap's fields fill in as the history goes.
  const std::map<int, SwapState>& swaps() const { return swaps_; }
  // One SwapSummary per deployment numbered 1 and up, after finish().
  std::vector<reports::SwapSummary> summaries() const;

 private:
  void on_deploy(const core::DeployEvent& d);
  void on_container(const core::ContainerEvent& c);
  void on_app(const core::AppEvent& a);
  void on_request(const core::RequestEvent& q);
  void set_new_container(SwapState& s, const core::ContainerEvent& c);
  // Swaps whose deployment window may still get events: started, and not ended more than the
  // append lag ago.
  template <class F>
  void for_each_open(F&& f);

  core::Duration lag_;
  core::Time clock_{};
  std::map<int, SwapState> swaps_;
  std::vector<int> open_;
  // Swaps waiting on their new container, by its name: for its build, its ready, its first answer.
  std::unordered_map<std::string, std::unordered_set<int>> awaiting_build_, awaiting_ready_, awaiting_answer_;
  // Each container's last few app events naming a build: its build may be logged a moment before
  // Docker's "started" reaches the history.
  std::unordered_map<std::string, std::vector<std::pair<core::Time, std::string>>> recent_builds_;
};

// The same over a whole history in memory.
std::vector<reports::SwapSummary> derive_swaps(const std::vector<core::Entry>& entries);

}  // namespace bg::judge
