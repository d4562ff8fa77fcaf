#include "judge/checker_new_build_serves.h"

#include <gtest/gtest.h>

namespace bg::judge {
namespace {

using namespace std::chrono_literals;
using core::DeployEventKind;
using core::Time;

class DeployHistory {
 public:
  DeployHistory& deploy(DeployEventKind kind, int n, Time at, std::string detail = "") {
    h_.append(core::DeployEvent{at, kind, n, "", "", 0, std::move(detail)});
    return *this;
  }
  DeployHistory& built(Time at, const char* build) {
    return deploy(DeployEventKind::image_built, 0, at,
                  std::string("docker-image:latest 0123456789ab build_id=") + build);
  }
  DeployHistory& served(Time start, const char* container, const char* build) {
    core::RequestEvent q;
    q.id = ++next_id_;
    q.method = "GET";
    q.path = "/";
    q.start = start;
    q.end = start + 10ms;
    q.status = 200;
    q.served_by = container;
    q.build_id = build;
    h_.append(q);
    return *this;
  }
  std::vector<core::Entry> entries() const { return h_.entries(); }

 private:
  core::History h_;
  uint64_t next_id_ = 0;
};

// Deployment 1 built b2 and succeeded at 10 s.
DeployHistory one_deployment() {
  DeployHistory h;
  h.deploy(DeployEventKind::deployment_started, 0, Time(0s))
      .built(Time(1s), "b1")
      .deploy(DeployEventKind::deployment_succeeded, 0, Time(2s));
  h.served(Time(3s), "blue-blue-1", "b1")
      .deploy(DeployEventKind::push, 1, Time(4s), "sha=aaaa")
      .deploy(DeployEventKind::deployment_started, 1, Time(4s))
      .built(Time(6s), "b2")
      .served(Time(9s), "blue-blue-1", "b1")  // in the overlap: fine
      .deploy(DeployEventKind::deployment_succeeded, 1, Time(10s));
  return h;
}

}  // namespace

// Goal: once a deployment succeeded, requests served by its own build hold the invariant.
TEST(NewBuildServesChecker, HoldsWhenTheNewBuildServesAfterTheDeployment) {
  auto h = one_deployment();
  h.served(Time(10500ms), "blue-blue-1", "b1").served(Time(12s), "green-green-1", "b2");
  auto r = NewBuildServesChecker{}.check(h.entries());
  EXPECT_TRUE(r.held) << r.summary;
  EXPECT_EQ(r.name, "new_build_serves");
}

// Goal: the old build still serving after a successful deployment (R13) fires, naming the builds.
TEST(NewBuildServesChecker, FiresWhenTheOldBuildServesAfterASuccessfulDeployment) {
  auto h = one_deployment();
  h.served(Time(12s), "blue-blue-1", "b1").served(Time(13s), "blue-blue-1", "b1");
  auto r = NewBuildServesChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.violations, 1);
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_NE(r.evidence[0].find("2 of 2 requests"), std::string::npos) << r.evidence[0];
  EXPECT_NE(r.evidence[0].find("b1 (blue-blue-1)"), std::string::npos) << r.evidence[0];
}

// Goal: a deployment that failed is CodeDeploy's to report, not this checker's.
TEST(NewBuildServesChecker, IgnoresAFailedDeployment) {
  DeployHistory h;
  h.deploy(DeployEventKind::deployment_started, 1, Time(1s))
      .built(Time(2s), "b2")
      .deploy(DeployEventKind::deployment_failed, 1, Time(3s));
  h.served(Time(5s), "blue-blue-1", "b1");
  EXPECT_TRUE(NewBuildServesChecker{}.check(h.entries()).held);
}

// Goal: a push refused by CodeDeploy (R12) and never superseded is a lost deploy.
TEST(NewBuildServesChecker, FiresWhenARefusedPushIsNeverDeployed) {
  auto h = one_deployment();
  h.deploy(DeployEventKind::push, 2, Time(5s), "sha=bbbb")
      .deploy(DeployEventKind::deployment_refused, 2, Time(7s), "DeploymentLimitExceededException: ...")
      .served(Time(12s), "green-green-1", "b2");
  auto r = NewBuildServesChecker{}.check(h.entries());
  EXPECT_FALSE(r.held);
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_NE(r.evidence[0].find("push 2 (sha=bbbb) was never deployed"), std::string::npos) << r.evidence[0];
}

// Goal: a refused push is not lost when a later push was deployed (it carries the same commits).
TEST(NewBuildServesChecker, HoldsWhenARefusedPushIsSupersededByALaterDeployment) {
  auto h = one_deployment();
  h.deploy(DeployEventKind::deployment_refused, 2, Time(7s), "DeploymentLimitExceededException: ...")
      .deploy(DeployEventKind::deployment_started, 3, Time(20s))
      .deploy(DeployEventKind::deployment_succeeded, 3, Time(25s));
  EXPECT_TRUE(NewBuildServesChecker{}.check(h.entries()).held);
}

}  // namespace bg::judge
