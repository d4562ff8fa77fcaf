#include "fakes/pipeline/workflow_concurrency.h"

#include <cctype>

namespace bg::fakes {

WorkflowConcurrency::WorkflowConcurrency(ConcurrencyGroup settings) : settings_(std::move(settings)) {
  for (auto& c : settings_.group) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

ConcurrencyDecision WorkflowConcurrency::queued(int run) {
  ConcurrencyDecision d;
  if (settings_.group.empty() || !running_) {
    // Default: runs of one workflow run concurrently (§6); a free group starts the run at once.
    if (!settings_.group.empty()) running_ = run;
    d.start.push_back(run);
    return d;
  }
  if (pending_) d.cancel.push_back(*pending_);  // the newer run replaces the pending one
  pending_.reset();
  if (settings_.cancel_in_progress) {
    // Simplification: the new run starts at once; GitHub starts it when the cancelled run has
    // finished cancelling (seconds at most).
    d.cancel.push_back(*running_);
    running_ = run;
    d.start.push_back(run);
  } else {
    pending_ = run;
  }
  return d;
}

ConcurrencyDecision WorkflowConcurrency::finished(int run) {
  ConcurrencyDecision d;
  if (pending_ == run) pending_.reset();
  if (running_ != run) return d;
  running_.reset();
  if (pending_) {
    running_ = pending_;
    pending_.reset();
    d.start.push_back(*running_);
  }
  return d;
}

}  // namespace bg::fakes
