#include "judge/checkers.h"

#include <gtest/gtest.h>

#include "judge/swap_timeline.h"

namespace bg::judge {
namespace {

using namespace std::chrono_literals;
using core::AppWhat;
using core::ContainerWhat;
using core::DeployEventKind;
using core::Time;

// Builds hand-made histories of one swap from blue to green.
class SwapHistory {
 public:
  SwapHistory& deploy(DeployEventKind kind, Time at) {
    h_.append(core::DeployEvent{at, kind, 1});
    return *this;
  }
  SwapHistory& container(const char* name, ContainerWhat what, Time at) {
    h_.append(core::ContainerEvent{at, name, "", "", what});
    return *this;
  }
  SwapHistory& ready(const char* name, Time at, const char* build) {
    h_.append(core::AppEvent{at, name, build, AppWhat::ready});
    return *this;
  }
  SwapHistory& request(Time end, const char* served_by, const char* build, int status = 200,
                       core::Outcome outcome = core::Outcome::ok) {
    core::RequestEvent q;
    q.id = ++next_id_;
    q.method = "GET";
    q.path = "/";
    q.start = end - 10ms;
    q.end = end;
    q.status = status;
    q.outcome = outcome;
    q.served_by = served_by;
    q.build_id = build;
    h_.append(q);
    return *this;
  }
  SwapHistory& proxy_error(uint64_t request_id, const char* message) {
    core::ProxyEvent p;
    p.kind = core::ProxyEventKind::error_log;
    p.level = "error";
    p.message = message;
    p.request_id = request_id;
    h_.append(p);
    return *this;
  }
  std::vector<core::Entry> entries() const { return h_.entries(); }
  uint64_t last_id() const { return next_id_; }

 private:
  core::History h_;
  uint64_t next_id_ = 0;
};

// A swap done right: green starts, is ready, serves, then blue is stopped.
SwapHistory good_swap() {
  SwapHistory h;
  h.request(1s, "blue-blue-1", "b1")
      .deploy(DeployEventKind::deployment_started, 2s)
      .container("green-green-1", ContainerWhat::started, 3s)
      .ready("green-green-1", 5s, "b2")
      .request(6s, "green-green-1", "b2")
      .request(7s, "blue-blue-1", "b1")
      .container("blue-blue-1", ContainerWhat::stop_requested, 13s)
      .container("blue-blue-1", ContainerWhat::exited, 13500ms)
      .deploy(DeployEventKind::deployment_succeeded, 14s)
      .request(15s, "green-green-1", "b2");
  return h;
}

}  // namespace

// Goal: a history where every request succeeded holds no_failed_requests.
TEST(NoFailedRequestsChecker, HoldsWhenEveryRequestSucceeded) {
  auto r = NoFailedRequestsChecker{}.check(good_swap().entries());
  EXPECT_TRUE(r.held);
  EXPECT_EQ(r.violations, 0);
  EXPECT_TRUE(r.evidence.empty());
}

// Goal: one 502 fires it, and the evidence names the request and the proxy's reason.
TEST(NoFailedRequestsChecker, FiresOnA502AndNamesTheCause) {
  auto h = good_swap();
  h.request(13200ms, "", "", 502, core::Outcome::fail);
  h.proxy_error(h.last_id(), "no live upstreams while connecting to upstream");
  auto r = NoFailedRequestsChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.violations, 1);
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_NE(r.evidence[0].find("502 no live upstreams"), std::string::npos) << r.evidence[0];
}

// Goal: an indeterminate outcome (reset after sending) also breaks the invariant, counted apart.
TEST(NoFailedRequestsChecker, CountsIndeterminateApart) {
  auto h = good_swap();
  h.request(13200ms, "", "", 0, core::Outcome::info);
  auto r = NoFailedRequestsChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_NE(r.summary.find("1 indeterminate"), std::string::npos) << r.summary;
}

// Goal: the right order holds switch_ordering.
TEST(SwitchOrderingChecker, HoldsWhenOldStopsAfterNewServes) {
  auto r = SwitchOrderingChecker{}.check(good_swap().entries());
  EXPECT_TRUE(r.held) << (r.evidence.empty() ? "" : r.evidence[0]);
}

// Goal: stopping the old color before the new is ready (R01, sleep is not readiness) fires it.
TEST(SwitchOrderingChecker, FiresWhenOldStopsBeforeNewIsReady) {
  SwapHistory h;
  h.deploy(DeployEventKind::deployment_started, 2s)
      .container("green-green-1", ContainerWhat::started, 3s)
      .container("blue-blue-1", ContainerWhat::stop_requested, 13s)
      .ready("green-green-1", 15s, "b2")
      .deploy(DeployEventKind::deployment_succeeded, 14s);
  auto r = SwitchOrderingChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_NE(r.evidence[0].find("was not ready (ready at 15.000s)"), std::string::npos) << r.evidence[0];
}

// Goal: stopping the old color while the proxy has not yet sent the new one anything (R03) fires it.
TEST(SwitchOrderingChecker, FiresWhenOldStopsBeforeNewServedAnything) {
  SwapHistory h;
  h.deploy(DeployEventKind::deployment_started, 2s)
      .container("green-green-1", ContainerWhat::started, 3s)
      .ready("green-green-1", 5s, "b2")
      .request(7s, "blue-blue-1", "b1")
      .container("blue-blue-1", ContainerWhat::stop_requested, 13s)
      .deploy(DeployEventKind::deployment_succeeded, 14s)
      .request(20s, "green-green-1", "b2");
  auto r = SwitchOrderingChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_NE(r.evidence[0].find(
                "before new color green-green-1 had served any request (first served a request sent at 19.990s)"),
            std::string::npos)
      << r.evidence[0];
}

// Goal: when a later swap reuses a container name with a new build, an earlier swap's mixed-version
// window still ends at the last response of its own old build.
TEST(SwapTimeline, MixedWindowUsesTheBuildOfThisSwap) {
  auto h = good_swap();
  h.request(10s, "green-green-1", "b2");
  // Swap 3 brings green back with build b4 under the same name.
  h.ready("green-green-1", 60s, "b4");
  auto swaps = derive_swaps(h.entries());
  ASSERT_EQ(swaps.size(), 1u);
  EXPECT_EQ(swaps[0].mixed_to, Time(7s));
}

// Goal: a request the new color answered just after the old one was asked to stop, but that was sent
// before, may have reached it before: switch_ordering must not fire on it.
TEST(SwitchOrderingChecker, HoldsWhenTheFirstServedRequestWasSentBeforeTheStop) {
  SwapHistory h;
  h.deploy(DeployEventKind::deployment_started, 2s)
      .container("green-green-1", ContainerWhat::started, 3s)
      .ready("green-green-1", 5s, "b2")
      .container("blue-blue-1", ContainerWhat::stop_requested, 13s)
      .request(13005ms, "green-green-1", "b2")  // sent at 12.995 s
      .deploy(DeployEventKind::deployment_succeeded, 14s);
  auto r = SwitchOrderingChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << (r.evidence.empty() ? "" : r.evidence[0]);
}

// Goal: the swap timeline names old and new colors and the mixed-version window.
TEST(SwapTimeline, DerivesPhasesAndMixedWindow) {
  auto swaps = derive_swaps(good_swap().entries());
  ASSERT_EQ(swaps.size(), 1u);
  const auto& s = swaps[0];
  EXPECT_EQ(s.new_container, "green-green-1");
  EXPECT_EQ(s.old_container, "blue-blue-1");
  EXPECT_EQ(s.new_ready, Time(5s));
  EXPECT_EQ(s.new_first_traffic, Time(5990ms));  // sent 10 ms before its answer at 6 s
  EXPECT_EQ(s.old_stopped, Time(13500ms));
  EXPECT_EQ(s.mixed_from, Time(6s));
  EXPECT_EQ(s.mixed_to, Time(7s));
  EXPECT_TRUE(s.succeeded);
}

}  // namespace bg::judge
