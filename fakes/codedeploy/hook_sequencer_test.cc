#include "fakes/codedeploy/hook_sequencer.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

using E = LifecycleEvent;

std::vector<E> run_all(HookSequencer& s, std::optional<E> fail_at = std::nullopt) {
  std::vector<E> ran;
  while (auto step = s.current()) {
    ran.push_back(step->event);
    s.complete(step->event != fail_at);
  }
  return ran;
}

// Goal: a later deployment runs every in-place event in CodeDeploy's order.
TEST(HookSequencer, RunsInPlaceOrderWithPreviousRevision) {
  HookSequencer s({.has_previous_revision = true});
  EXPECT_EQ(run_all(s), (std::vector<E>{E::Start, E::ApplicationStop, E::DownloadBundle, E::BeforeInstall, E::Install,
                                        E::AfterInstall, E::ApplicationStart, E::ValidateService, E::End}));
  EXPECT_EQ(s.state(), HookSequencer::State::succeeded);
  EXPECT_FALSE(s.failed_event().has_value());
}

// Goal: the first deployment has no previous revision, so ApplicationStop is skipped.
TEST(HookSequencer, FirstDeploymentSkipsApplicationStop) {
  HookSequencer s({.has_previous_revision = false});
  std::vector<E> ran = run_all(s);
  EXPECT_EQ(ran.size(), 8u);
  EXPECT_EQ(std::count(ran.begin(), ran.end(), E::ApplicationStop), 0);
  EXPECT_EQ(s.state(), HookSequencer::State::succeeded);
}

// Goal: ApplicationStop uses the previous revision; install-time events use the current one.
TEST(HookSequencer, ApplicationStopUsesThePreviousRevision) {
  for (const auto& step : HookSequencer::plan(true)) {
    if (step.event == E::ApplicationStop) {
      EXPECT_EQ(step.revision, Revision::previous);
    }
    if (step.event == E::AfterInstall || step.event == E::ApplicationStart) {
      EXPECT_EQ(step.revision, Revision::current);
    }
  }
}

// Goal: a failing event ends the deployment as failed and no later event runs.
TEST(HookSequencer, FailureStopsLaterEvents) {
  HookSequencer s({.has_previous_revision = true});
  EXPECT_EQ(run_all(s, E::AfterInstall), (std::vector<E>{E::Start, E::ApplicationStop, E::DownloadBundle,
                                                         E::BeforeInstall, E::Install, E::AfterInstall}));
  EXPECT_EQ(s.state(), HookSequencer::State::failed);
  EXPECT_EQ(s.failed_event(), E::AfterInstall);
  EXPECT_FALSE(s.current().has_value());
  s.complete(true);  // ignored once over
  EXPECT_EQ(s.state(), HookSequencer::State::failed);
}

// Goal: --ignore-application-stop-failures continues past a failed ApplicationStop, and only that event.
TEST(HookSequencer, IgnoreApplicationStopFailuresContinues) {
  HookSequencer s({.has_previous_revision = true, .ignore_application_stop_failures = true});
  EXPECT_EQ(run_all(s, E::ApplicationStop).size(), 9u);
  EXPECT_EQ(s.state(), HookSequencer::State::succeeded);
  HookSequencer t({.has_previous_revision = true, .ignore_application_stop_failures = true});
  run_all(t, E::ValidateService);
  EXPECT_EQ(t.state(), HookSequencer::State::failed);
}

}  // namespace
}  // namespace bg::fakes
