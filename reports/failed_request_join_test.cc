#include "reports/failed_request_join.h"

#include <gtest/gtest.h>

#include "reports/sample_run_test_support.h"

namespace bg::reports {
namespace {

using test_support::secs;

struct Feed {
  std::vector<JoinedFailure> out;
  FailedRequestJoin join{[this](JoinedFailure&& f) { out.push_back(std::move(f)); }};
  uint64_t seq = 0;
  void add(core::Event e) { join.observe({seq++, std::move(e)}); }
};

core::RequestEvent failed(uint64_t id, double end_s, int status = 502) {
  core::RequestEvent q{id, 0, "GET", "/", secs(end_s - 0.01), secs(end_s - 0.01), secs(end_s)};
  q.status = status;
  q.outcome = core::Outcome::fail;
  return q;
}

core::ProxyEvent error_line(uint64_t id, double at_s, const std::string& message) {
  return core::ProxyEvent{secs(at_s), core::ProxyEventKind::error_log, "error", message, "localhost:3000", id};
}

}  // namespace

// Goal: a failure gets the proxy's lines whether they came before the request (the built-in proxy)
// or after it (a real nginx's log, read a little later), and its class says why.
TEST(FailedRequestJoin, JoinsLinesLoggedBeforeAndAfterTheRequest) {
  Feed f;
  f.add(error_line(1, 1.0, "no live upstreams while connecting to upstream"));
  f.add(failed(1, 1.0));
  f.add(failed(2, 2.0));
  f.add(error_line(2, 2.05, "upstream prematurely closed connection while reading response header"));
  f.join.finish();
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[0].cause(), "502 no live upstreams");
  EXPECT_EQ(f.out[1].cause(), "502 upstream prematurely closed");
}

// Goal: the lines of a request that succeeded after a retry are not kept, and a failure is handed
// on once the history has moved past it by the append lag, so what is held stays bounded however
// long the history runs.
TEST(FailedRequestJoin, HoldsOnlyWhatMayStillBeJoined) {
  Feed f;
  size_t most = 0;
  for (uint64_t i = 1; i <= 20000; ++i) {
    const double t = static_cast<double>(i) * 0.1;  // 2000 s of history, ten requests a second
    f.add(error_line(i, t, "connect() failed (111: Connection refused) while connecting to upstream"));
    if (i % 10 == 0) {
      f.add(failed(i, t));
    } else {
      core::RequestEvent ok{i, 0, "GET", "/", secs(t), secs(t), secs(t)};
      ok.status = 200;
      f.add(ok);
    }
    most = std::max(most, f.join.held());
  }
  EXPECT_GT(f.out.size(), 1500u);  // handed on while the history went on
  // At most the failures of the last append lag (300 s, one a second) and a few stray lines.
  EXPECT_LT(most, 400u);
  f.join.finish();
  EXPECT_EQ(f.out.size(), 2000u);
  EXPECT_EQ(f.join.held(), 0u);
}

// Goal: failures are handed on in the order they ended, which the timeline merges marks in.
TEST(FailedRequestJoin, HandsFailuresOnInEndOrder) {
  Feed f;
  f.add(failed(1, 5.0));
  f.add(failed(2, 4.0));  // appended later by another client, ended earlier
  f.join.finish();
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[0].request.id, 2u);
  EXPECT_EQ(f.out[1].request.id, 1u);
}

}  // namespace bg::reports
