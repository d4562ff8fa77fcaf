#pragma once
// WorkflowConcurrency: GitHub Actions' concurrency rules for the runs of one workflow, as a pure
// decision core (semantics.md §6). Without a `concurrency:` group every run starts at once and runs
// concurrently. With a group, at most one run is running and one pending: a newly queued run
// cancels the pending one and takes its place; with `cancel-in-progress: true` it also cancels the
// running one. No I/O, no clock: the Pipeline shell reports what happened and acts on the answer.
#include <optional>
#include <string>
#include <vector>

namespace bg::fakes {

struct ConcurrencyGroup {
  std::string group;  // "" = no concurrency group; names compare case-insensitively (§6)
  bool cancel_in_progress = false;
};

// What the shell must do now: start these runs, cancel those.
struct ConcurrencyDecision {
  std::vector<int> start;
  std::vector<int> cancel;
  bool operator==(const ConcurrencyDecision&) const = default;
};

class WorkflowConcurrency {
 public:
  explicit WorkflowConcurrency(ConcurrencyGroup settings);

  // A push queued run `run` (ids increase with push order).
  ConcurrencyDecision queued(int run);
  // Run `run` ended (succeeded, failed or was cancelled). Ending the running run starts the
  // pending one; ending a run the core no longer tracks changes nothing.
  ConcurrencyDecision finished(int run);

  std::optional<int> running() const { return running_; }
  std::optional<int> pending() const { return pending_; }
  // The group name as GitHub compares it (lower case).
  const std::string& group() const { return settings_.group; }

 private:
  ConcurrencyGroup settings_;
  std::optional<int> running_;  // with a group only
  std::optional<int> pending_;
};

}  // namespace bg::fakes
