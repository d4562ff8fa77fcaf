#include "judge/loss_attribution.h"

#include <gtest/gtest.h>

#include "core/history.h"
#include "judge/judge.h"

namespace bg::judge {
namespace {

using namespace std::chrono_literals;
using reports::SwapPhase;
using reports::SwapSummary;

core::Time s(double seconds) { return core::Time(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000))); }
int64_t in(const reports::Losses& l, SwapPhase p) { return l.by_phase[static_cast<size_t>(p)]; }

// A swap pushed at `push` whose phases follow at the given offsets from it.
SwapSummary swap(int n, double push) {
  SwapSummary w;
  w.deployment = n;
  w.pushed = s(push);
  w.started = s(push + 1);
  w.new_started = s(push + 5);
  w.new_ready = s(push + 8);
  w.old_stop_requested = s(push + 12);
  w.old_stopped = s(push + 13);
  w.finished = s(push + 14);
  return w;
}

// Goal: every lost request lands in exactly one stretch: before the first push, or the swap whose
// push came last before it, wherever its deployment ended.
TEST(LossAttribution, GivesEachLostRequestToTheSwapWhosePushCameLastBeforeIt) {
  std::vector<SwapSummary> swaps{swap(1, 10), swap(2, 40)};
  reports::Losses before;
  attribute_losses(swaps, before, {{s(3)}, {s(9.9)}, {s(10)}, {s(30)}, {s(39.9)}, {s(40)}, {s(90)}}, {});
  EXPECT_EQ(before.failed, 2);
  EXPECT_EQ(swaps[0].lost.failed, 3);  // 10 (its push), 30 and 39.9: after its script, before the next push
  EXPECT_EQ(swaps[1].lost.failed, 2);
  EXPECT_EQ(in(swaps[0].lost, SwapPhase::build), 1);
  EXPECT_EQ(in(swaps[0].lost, SwapPhase::after_script), 2);
  EXPECT_EQ(in(swaps[1].lost, SwapPhase::after_script), 1);
  EXPECT_EQ(before.by_phase, (std::array<int64_t, reports::kSwapPhaseCount>{}));  // the steady state has no phases
}

// Goal: each phase is named from the latest stage reached; the seed's order (old color stopped
// before the new one is ready) is "old color down" from the stop on, not "both serving".
TEST(LossAttribution, NamesThePhaseFromTheLatestStageReached) {
  auto w = swap(1, 0);
  EXPECT_EQ(phase_at(w, s(0.5)), SwapPhase::build);
  EXPECT_EQ(phase_at(w, s(6)), SwapPhase::new_starting);
  EXPECT_EQ(phase_at(w, s(9)), SwapPhase::both_serving);
  EXPECT_EQ(phase_at(w, s(12.5)), SwapPhase::old_draining);
  EXPECT_EQ(phase_at(w, s(13.5)), SwapPhase::old_down);
  EXPECT_EQ(phase_at(w, s(14)), SwapPhase::after_script);

  w.new_ready = s(20);  // never ready before the script ended
  EXPECT_EQ(phase_at(w, s(13.5)), SwapPhase::old_down);
  EXPECT_EQ(phase_at(w, s(12.5)), SwapPhase::old_draining);
  w.new_ready.reset();
  w.old_stopped.reset();  // the old container never exited: draining until the script ended
  EXPECT_EQ(phase_at(w, s(13.5)), SwapPhase::old_draining);
}

// Goal: an indeterminate request belongs where it was sent, not where the client gave up on it.
TEST(LossAttribution, PlacesAnIndeterminateRequestAtItsSend) {
  core::RequestEvent q;
  q.start = s(35);
  q.end = s(65);
  q.outcome = core::Outcome::info;
  EXPECT_EQ(reports::lost_at(q), s(35));
  q.outcome = core::Outcome::fail;
  EXPECT_EQ(reports::lost_at(q), s(65));

  std::vector<SwapSummary> swaps{swap(1, 10), swap(2, 40)};
  reports::Losses before;
  attribute_losses(swaps, before, {{s(35), true}}, {});
  EXPECT_EQ(swaps[0].lost.indeterminate, 1);
  EXPECT_EQ(swaps[0].lost.failed, 0);
  EXPECT_EQ(swaps[1].lost.total(), 0);
}

// Goal: an outage across a push is split at it, so the stretches' outages add up to the run's.
TEST(LossAttribution, SplitsAnOutageAtEachPush) {
  std::vector<SwapSummary> swaps{swap(1, 10), swap(2, 40)};
  reports::Losses before;
  attribute_losses(swaps, before, {}, {{s(8), s(12)}, {s(38), s(41.5)}, {s(50), s(51)}});
  EXPECT_EQ(before.outage, 2s);
  EXPECT_EQ(swaps[0].lost.outage, 4s);
  EXPECT_EQ(swaps[1].lost.outage, 2500ms);
}

// Goal: a swap whose history has no push (one from before the pipeline) begins at its deployment;
// one with neither owns nothing, and its losses go to the stretch before it.
TEST(LossAttribution, FallsBackToTheDeploymentAndSkipsASwapWithNeither) {
  auto first = swap(1, 10);
  first.pushed.reset();
  SwapSummary refused;
  refused.deployment = 2;
  std::vector<SwapSummary> swaps{first, refused};
  reports::Losses before;
  attribute_losses(swaps, before, {{s(10.5)}, {s(11)}, {s(100)}}, {});
  EXPECT_EQ(before.failed, 1);  // 10.5: before its deployment began at 11
  EXPECT_EQ(swaps[0].lost.failed, 2);
  EXPECT_EQ(swaps[1].lost.failed, 0);
}

// Goal: judged from a history, the swap rows and the steady state add up to the headline counts
// and outage, with the push read from the pipeline's own event.
TEST(LossAttribution, AddsUpToTheHeadlineWhenJudged) {
  core::History h;
  uint64_t id = 0;
  auto request = [&](double at, core::Outcome outcome) {
    core::RequestEvent q;
    q.id = ++id;
    q.method = "GET";
    q.path = "/";
    q.intended = q.start = s(at);
    q.end = q.start + 5ms;
    q.status = outcome == core::Outcome::ok ? 200 : 502;
    q.outcome = outcome;
    q.served_by = "blue-blue-1";
    h.append(q);
  };
  for (int i = 0; i < 10; ++i) request(i, i == 3 ? core::Outcome::fail : core::Outcome::ok);
  h.append(core::DeployEvent{s(10), core::DeployEventKind::push, 1});
  h.append(core::DeployEvent{s(11), core::DeployEventKind::deployment_started, 1});
  for (int i = 10; i < 30; ++i) request(i + 0.5, i >= 20 && i < 24 ? core::Outcome::fail : core::Outcome::ok);
  h.append(core::DeployEvent{s(25), core::DeployEventKind::deployment_succeeded, 1});
  request(30.5, core::Outcome::info);
  request(31.5, core::Outcome::ok);

  reports::RunResult r;
  judge(h.entries(), r);
  ASSERT_EQ(r.swaps.size(), 1u);
  EXPECT_EQ(r.swaps[0].pushed, s(10));
  EXPECT_EQ(r.before_first_swap.failed, 1);
  EXPECT_EQ(r.swaps[0].lost.failed, 4);
  EXPECT_EQ(r.swaps[0].lost.indeterminate, 1);
  EXPECT_EQ(r.before_first_swap.failed + r.swaps[0].lost.failed, r.failed);
  EXPECT_EQ(r.swaps[0].lost.indeterminate, r.indeterminate);
  EXPECT_EQ(r.before_first_swap.outage + r.swaps[0].lost.outage, r.outage);
  EXPECT_EQ(r.before_first_swap.outage, 1s);
  EXPECT_EQ(r.swaps[0].lost.outage, 5s);  // 20.5..24.5 and 30.5..31.5
}

}  // namespace
}  // namespace bg::judge
