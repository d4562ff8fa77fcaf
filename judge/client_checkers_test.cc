// The client-side invariants of races.md on hand-made histories: each must fire where the race
// happened and hold where it did not.
#include <gtest/gtest.h>

#include "judge/checker_cut_in_flight.h"
#include "judge/checker_liveness_after_swap.h"
#include "judge/checker_post_at_most_once.h"
#include "judge/checker_version_regression.h"
#include "judge/checker_version_skew.h"
#include "judge/checkers.h"
#include "judge/checker_support.h"

namespace bg::judge {
namespace {

using namespace std::chrono_literals;
using core::AppWhat;
using core::ContainerWhat;
using core::DeployEventKind;
using core::Time;

// One swap from blue (build b1) to green (build b2), ended at 14 s, plus whatever a test adds.
class ClientHistory {
 public:
  ClientHistory() {
    app("blue-blue-1", "b1", AppWhat::ready, 0s);
    deploy(DeployEventKind::deployment_started, 2s);
    container("green-green-1", ContainerWhat::started, 3s);
    app("green-green-1", "b2", AppWhat::ready, 5s);
    container("blue-blue-1", ContainerWhat::stop_requested, 12s);
    container("blue-blue-1", ContainerWhat::exited, 12500ms);
    deploy(DeployEventKind::deployment_succeeded, 14s);
  }
  ClientHistory& deploy(DeployEventKind kind, Time at) {
    h_.append(core::DeployEvent{at, kind, 1});
    return *this;
  }
  ClientHistory& container(const char* name, ContainerWhat what, Time at) {
    h_.append(core::ContainerEvent{at, name, "", "", what});
    return *this;
  }
  ClientHistory& app(const char* name, const char* build, AppWhat what, Time at, uint64_t request_id = 0) {
    h_.append(core::AppEvent{at, name, build, what, request_id});
    return *this;
  }
  // A request sent at `sent`, answered 10 ms later.
  ClientHistory& request(Time sent, const char* method, const char* path, const char* served_by, const char* build,
                         int status = 200, core::Outcome outcome = core::Outcome::ok) {
    core::RequestEvent q;
    q.id = ++next_id_;
    q.method = method;
    q.path = path;
    q.intended = q.start = sent;
    q.end = sent + 10ms;
    q.status = status;
    q.outcome = outcome;
    q.served_by = served_by;
    q.build_id = build;
    h_.append(q);
    return *this;
  }
  std::vector<core::Entry> entries() const { return h_.entries(); }
  uint64_t last_id() const { return next_id_; }

 private:
  core::History h_;
  uint64_t next_id_ = 0;
};

const char* first(const reports::InvariantResult& r) { return r.evidence.empty() ? "" : r.evidence[0].c_str(); }

}  // namespace

// Goal: responses from the new build after the swap, and from the old one before it, hold.
TEST(NoVersionRegressionChecker, HoldsWhenOnlyTheNewBuildAnswersAfterTheSwap) {
  ClientHistory h;
  h.request(1s, "GET", "/", "blue-blue-1", "b1").request(13900ms, "GET", "/", "blue-blue-1", "b1");
  h.request(15s, "GET", "/", "green-green-1", "b2");
  auto r = NoVersionRegressionChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
}

// Goal: a request sent after the swap ended and answered by the old build fires it.
TEST(NoVersionRegressionChecker, FiresWhenTheOldBuildAnswersAfterTheSwap) {
  ClientHistory h;
  h.request(16s, "GET", "/", "blue-blue-1", "b1");
  auto r = NoVersionRegressionChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.violations, 1);
  EXPECT_NE(std::string(first(r)).find("served by older build b1"), std::string::npos) << first(r);
}

// Goal: a chunk answered by the build its path names holds no_version_skew.
TEST(NoVersionSkewChecker, HoldsWhenEveryChunkReachesItsBuild) {
  ClientHistory h;
  h.request(6s, "GET", "/", "green-green-1", "b2")
      .request(6s, "GET", "/_next/static/b2/_buildManifest.js", "green-green-1", "b2");
  h.request(7s, "GET", "/_next/static/b1/_buildManifest.js", "blue-blue-1", "b1");
  // A proxy 502 on a chunk is a failed request, not skew.
  h.request(8s, "GET", "/_next/static/b1/_buildManifest.js", "", "", 502, core::Outcome::fail);
  // Another build that has the file too (a shared static volume) served the page's own chunk.
  h.request(9s, "GET", "/_next/static/b1/_buildManifest.js", "green-green-1", "b2");
  auto r = NoVersionSkewChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
}

// Goal: a page of b1 whose chunk round robin sent to b2 (404 there) fires it (R08).
TEST(NoVersionSkewChecker, FiresWhenAChunkReachesAnotherBuild) {
  ClientHistory h;
  h.request(6s, "GET", "/", "blue-blue-1", "b1")
      .request(6010ms, "GET", "/_next/static/b1/_buildManifest.js", "green-green-1", "b2", 404, core::Outcome::fail);
  auto r = NoVersionSkewChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.violations, 1);
  EXPECT_NE(std::string(first(r)).find("a chunk of build b1"), std::string::npos) << first(r);
  EXPECT_NE(std::string(first(r)).find("answered 404 by build b2"), std::string::npos) << first(r);
}

// Goal: a real build's content-hashed chunks (/_next/static/chunks/..., css/, media/) belong to no
// build id, so one answered by the other build is no skew; the build-id folder's own file still is.
TEST(NoVersionSkewChecker, ReadsChunksCssAndMediaAsNoBuild) {
  EXPECT_EQ(asset_build("/_next/static/b1/_buildManifest.js"), "b1");
  for (const char* path : {"/_next/static/chunks/main-a9843dfedfe4c8a6.js", "/_next/static/css/app-1.css",
                           "/_next/static/media/logo.2c9f.png", "/_next/static/", "/api/health"})
    EXPECT_EQ(asset_build(path), std::nullopt) << path;
  ClientHistory h;
  h.request(6s, "GET", "/", "blue-blue-1", "b1")
      .request(6010ms, "GET", "/_next/static/chunks/main-a9843dfedfe4c8a6.js", "green-green-1", "b2");
  EXPECT_TRUE(NoVersionSkewChecker{}.check(h.entries()).held);
}

// Goal: POSTs executed once each, and a failed one never executed, hold post_at_most_once.
TEST(PostAtMostOnceChecker, HoldsWhenEachPostRanOnce) {
  ClientHistory h;
  h.request(6s, "POST", "/api/echo", "green-green-1", "b2")
      .app("green-green-1", "b2", AppWhat::execution, 6s, h.last_id());
  h.request(7s, "POST", "/api/echo", "", "", 502, core::Outcome::fail);
  auto r = PostAtMostOnceChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
}

// Goal: a POST that ran on the dying peer and again on the other (nginx non_idempotent retry) fires it.
TEST(PostAtMostOnceChecker, FiresWhenARetriedPostRanTwice) {
  ClientHistory h;
  h.request(11s, "POST", "/api/echo", "green-green-1", "b2");
  h.app("blue-blue-1", "b1", AppWhat::execution, 11s, h.last_id())
      .app("green-green-1", "b2", AppWhat::execution, 12s, h.last_id());
  auto r = PostAtMostOnceChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_NE(std::string(first(r)).find("executed 2 times (blue-blue-1 at 11.000s, green-green-1 at 12.000s)"),
            std::string::npos)
      << first(r);
}

// Goal: a POST the client saw succeed that no backend executed also fires it.
TEST(PostAtMostOnceChecker, FiresWhenASucceededPostNeverRan) {
  ClientHistory h;
  h.request(6s, "POST", "/api/echo", "green-green-1", "b2");
  auto r = PostAtMostOnceChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_NE(std::string(first(r)).find("no backend executed it"), std::string::npos) << first(r);
}

// Goal: a shutdown that dropped nothing holds no_cut_in_flight.
TEST(NoCutInFlightChecker, HoldsWhenNothingWasCut) {
  ClientHistory h;
  h.app("blue-blue-1", "b1", AppWhat::exited, 12500ms);
  auto r = NoCutInFlightChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
}

// Goal: a POST the app dropped on exit (Next 12 on SIGTERM, R05) fires it and names the request and
// what the client got.
TEST(NoCutInFlightChecker, FiresWhenAnExitCutAPost) {
  ClientHistory h;
  h.request(12300ms, "POST", "/api/echo", "", "", 502, core::Outcome::fail);
  h.app("blue-blue-1", "b1", AppWhat::cut, 12400ms, h.last_id());
  auto r = NoCutInFlightChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.violations, 1);
  EXPECT_NE(std::string(first(r)).find("dropped request #1"), std::string::npos) << first(r);
  EXPECT_NE(std::string(first(r)).find("the client's POST /api/echo got 502"), std::string::npos) << first(r);
}

// Goal: a cut GET that the proxy passed on unseen (the client got 200) is listed but does not fire;
// one the client saw fail does.
TEST(NoCutInFlightChecker, CountsCutGetsOnlyWhenTheClientSawThem) {
  ClientHistory h;
  h.request(12300ms, "GET", "/", "green-green-1", "b2");
  h.app("blue-blue-1", "b1", AppWhat::cut, 12400ms, h.last_id());
  auto r = NoCutInFlightChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
  EXPECT_NE(r.summary.find("1 cut GETs were passed on"), std::string::npos) << r.summary;
  h.request(12350ms, "GET", "/", "", "", 0, core::Outcome::info);
  h.app("blue-blue-1", "b1", AppWhat::cut, 12400ms, h.last_id());
  EXPECT_EQ(NoCutInFlightChecker{}.check(h.entries()).violations, 1);
}

// Goal: a cut request without a client id (a health check or a script's curl) does not fire, and the
// summary counts it; the same cut with a client's id does.
TEST(NoCutInFlightChecker, IgnoresCutsOfRequestsNoClientSent) {
  ClientHistory h;
  h.app("blue-blue-1", "b1", AppWhat::cut, 12400ms, 0);
  auto r = NoCutInFlightChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
  EXPECT_NE(r.summary.find("1 cut requests were not the clients'"), std::string::npos) << r.summary;
  h.request(12300ms, "POST", "/api/echo", "", "", 502, core::Outcome::fail);
  h.app("blue-blue-1", "b1", AppWhat::cut, 12400ms, h.last_id());
  EXPECT_EQ(NoCutInFlightChecker{}.check(h.entries()).violations, 1);
}

// Goal: failures and old-build answers inside the grace after a swap are allowed; after it all is well.
TEST(LivenessAfterSwapChecker, HoldsWhenTheNewBuildServesAfterTheGrace) {
  ClientHistory h;
  h.request(14500ms, "GET", "/", "", "", 502, core::Outcome::fail);
  h.request(15s, "GET", "/", "blue-blue-1", "b1");
  h.request(17s, "GET", "/", "green-green-1", "b2").request(20s, "POST", "/api/echo", "green-green-1", "b2");
  auto r = LivenessAfterSwapChecker{2s}.check(h.entries());
  EXPECT_TRUE(r.held) << first(r);
}

// Goal: a failure, or an answer from the old build, after the grace fires it.
TEST(LivenessAfterSwapChecker, FiresOnFailureOrOldBuildAfterTheGrace) {
  ClientHistory h;
  h.request(17s, "GET", "/", "", "", 502, core::Outcome::fail);
  h.request(18s, "GET", "/", "blue-blue-1", "b1");
  auto r = LivenessAfterSwapChecker{2s}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.violations, 2);
  EXPECT_NE(std::string(first(r)).find("failed (502)"), std::string::npos) << first(r);
  EXPECT_NE(r.evidence[1].find("not the new build b2"), std::string::npos) << r.evidence[1];
}

// Goal: the judge's list of invariants names every checker, in report order.
TEST(RunCheckers, ListsEveryInvariant) {
  auto results = run_checkers(ClientHistory{}.entries());
  std::vector<std::string> names;
  for (const auto& r : results) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"no_failed_requests", "switch_ordering", "new_build_serves",
                                             "no_version_regression", "no_version_skew", "post_at_most_once",
                                             "no_cut_in_flight", "liveness_after_swap"}));
}

}  // namespace bg::judge
