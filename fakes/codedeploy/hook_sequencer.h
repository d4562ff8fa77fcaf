#pragma once
// HookSequencer: the pure decision core of an in-place deployment on one instance: which lifecycle
// event runs next, whose revision it uses, and when the deployment is over (semantics.md §4 "Hook
// order" and "Failure"). No I/O: the agent runs each event and reports the outcome back.
#include <optional>
#include <vector>

#include "fakes/codedeploy/lifecycle_event.h"

namespace bg::fakes {

// Whose AppSpec and scripts an event uses.
enum class Revision { none, previous, current };

struct SequenceStep {
  LifecycleEvent event;
  Revision revision;  // previous for ApplicationStop; none for the agent's own steps
};

class HookSequencer {
 public:
  enum class State { running, succeeded, failed };

  struct Options {
    // False on an instance's first deployment (or when no previous deployment succeeded): then
    // ApplicationStop does not run, as it has no revision to take its scripts from.
    bool has_previous_revision = false;
    // `--ignore-application-stop-failures`: a failed ApplicationStop does not fail the deployment.
    bool ignore_application_stop_failures = false;
  };

  explicit HookSequencer(Options options);

  // The in-place order without a load balancer: Start, ApplicationStop (if a previous revision),
  // DownloadBundle, BeforeInstall, Install, AfterInstall, ApplicationStart, ValidateService, End.
  static std::vector<SequenceStep> plan(bool has_previous_revision);

  // The step to run now; nullopt once the deployment is over.
  std::optional<SequenceStep> current() const;
  // Reports the current step's outcome. A failure ends the deployment as failed: later events do
  // not run and nothing already done is undone (that is the agent's business: it undoes nothing).
  void complete(bool succeeded);

  State state() const { return state_; }
  // The event that failed the deployment, once state() is failed.
  std::optional<LifecycleEvent> failed_event() const { return failed_event_; }
  // Steps that completed, in order (a failed step is included).
  const std::vector<SequenceStep>& done() const { return done_; }

 private:
  Options options_;
  std::vector<SequenceStep> plan_;
  size_t next_ = 0;
  State state_ = State::running;
  std::optional<LifecycleEvent> failed_event_;
  std::vector<SequenceStep> done_;
};

}  // namespace bg::fakes
