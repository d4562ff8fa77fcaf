// Tests of the judge's own decisions (the checkers have their own tests).
#include <gtest/gtest.h>

#include "core/history.h"
#include "judge/judge.h"

namespace bg::judge {
namespace {

using namespace std::chrono_literals;

// `n` GET requests a second apart, all answered 200 by blue.
std::vector<core::Entry> ok_requests(int n) {
  core::History h;
  for (int i = 0; i < n; ++i) {
    core::RequestEvent q;
    q.id = static_cast<uint64_t>(i + 1);
    q.method = "GET";
    q.path = "/";
    q.intended = q.start = core::Time(std::chrono::seconds(i));
    q.end = q.start + 5ms;
    q.status = 200;
    q.outcome = core::Outcome::ok;
    q.served_by = "blue-blue-1";
    h.append(q);
  }
  return h.entries();
}

// Goal: a run whose client could not keep its schedule is an error that says so, not a verdict.
TEST(Judge, RunWithAQuarterOfSendsLateIsAHarnessErrorNotAVerdict) {
  reports::RunResult r;
  r.late_sends = 30;
  judge(ok_requests(100), r);
  EXPECT_EQ(r.verdict, bg::core::Verdict::error);
  EXPECT_NE(r.error.find("30 of 100 requests"), std::string::npos) << r.error;
  EXPECT_TRUE(r.invariants.empty());
}

// Goal: the few late sends a normal run has (0.4-3 % here) leave the verdict to the invariants.
TEST(Judge, RunWithFewLateSendsIsJudged) {
  reports::RunResult r;
  r.late_sends = 3;
  judge(ok_requests(100), r);
  EXPECT_EQ(r.verdict, bg::core::Verdict::held);
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(r.invariants.empty());
}

// Goal: requests the harness itself could not make (it ran out of descriptors) are the machine's
// failure: an error naming it, never a violation blamed on the deployment.
TEST(Judge, RunThatRanOutOfDescriptorsIsAHarnessErrorNotAViolation) {
  auto entries = ok_requests(100);
  core::RequestEvent q;
  q.id = 101;
  q.method = "GET";
  q.path = "/";
  q.intended = q.start = core::Time(std::chrono::seconds(100));
  q.end = q.start + 1ms;
  q.error = "Too many open files";
  q.outcome = core::Outcome::fail;
  entries.push_back({entries.size(), q});
  reports::RunResult r;
  judge(entries, r);
  EXPECT_EQ(r.verdict, bg::core::Verdict::error);
  EXPECT_NE(r.error.find("Too many open files"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("ulimit -n"), std::string::npos) << r.error;
  EXPECT_TRUE(r.invariants.empty());
}

}  // namespace
}  // namespace bg::judge
