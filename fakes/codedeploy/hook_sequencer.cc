#include "fakes/codedeploy/hook_sequencer.h"

namespace bg::fakes {

HookSequencer::HookSequencer(Options options) : options_(options), plan_(plan(options.has_previous_revision)) {}

std::vector<SequenceStep> HookSequencer::plan(bool has_previous_revision) {
  using E = LifecycleEvent;
  std::vector<SequenceStep> steps{{E::Start, Revision::none}};
  // ApplicationStop runs the previous successful revision's script, so it cannot run on a first
  // deployment (semantics.md §4: "does not run on an instance's first deployment").
  if (has_previous_revision) steps.push_back({E::ApplicationStop, Revision::previous});
  steps.push_back({E::DownloadBundle, Revision::none});
  steps.push_back({E::BeforeInstall, Revision::current});
  steps.push_back({E::Install, Revision::current});  // copies the current revision's `files`
  steps.push_back({E::AfterInstall, Revision::current});
  steps.push_back({E::ApplicationStart, Revision::current});
  steps.push_back({E::ValidateService, Revision::current});
  steps.push_back({E::End, Revision::none});
  return steps;
}

std::optional<SequenceStep> HookSequencer::current() const {
  if (state_ != State::running || next_ >= plan_.size()) return std::nullopt;
  return plan_[next_];
}

void HookSequencer::complete(bool succeeded) {
  if (state_ != State::running) return;
  const SequenceStep step = plan_[next_];
  done_.push_back(step);
  const bool ignored =
      !succeeded && step.event == LifecycleEvent::ApplicationStop && options_.ignore_application_stop_failures;
  if (!succeeded && !ignored) {
    state_ = State::failed;
    failed_event_ = step.event;
    return;
  }
  if (++next_ == plan_.size()) state_ = State::succeeded;
}

}  // namespace bg::fakes
