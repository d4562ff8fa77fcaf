// The pipeline against the real CodeDeploy agent: quick pushes, concurrency groups, lost deploys
// (races.md R12; semantics.md §4 "Concurrency", §6).
#include "fakes/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "fakes/codedeploy/codedeploy_test_support.h"

namespace bg::fakes {
namespace {
using namespace std::chrono_literals;
using test_support::TempDir;
using test_support::write_file;
using Kind = core::DeployEventKind;

// A source folder whose ApplicationStart takes 0.5 s real = 50 scenario s (the deployment stays
// active that long; the hook timeout is scenario time),
// the agent, and a pipeline whose builds take 10 scenario seconds (0.1 s real).
class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    write_file(dir_ / "src/appspec.yml",
               "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /home/ec2-user/temp\nhooks:\n"
               "  ApplicationStart:\n    - location: /scripts/start.sh\n      timeout: 600\n");
    write_file(dir_ / "src/scripts/start.sh", "#!/usr/bin/env bash\nsleep 0.5\n", true);
    std::filesystem::create_directories(dir_ / "host");
    paths_.add("/home/ec2-user/temp", dir_ / "host");
    AgentOptions o;
    o.deployment_root = dir_ / "deployment-root";
    o.environment = {{"PATH", "/usr/bin:/bin"}};
    o.on_event = [this](const core::DeployEvent& e) {
      if (pipeline_) pipeline_->on_codedeploy_event(e);
    };
    agent_ = std::make_unique<CodeDeployAgent>(clock_, history_, paths_, o);
  }
  ~PipelineTest() override { pipeline_.reset(); }

  void make_pipeline(ConcurrencyGroup group, bool wait_for_deployment, core::DurationRange build = 10s) {
    PipelineOptions p;
    p.source_dir = dir_ / "src";
    p.s3_root = dir_ / "s3";
    p.repo = "shop";
    p.build_duration = build;
    p.concurrency = group;
    p.wait_for_deployment = wait_for_deployment;
    p.create_deployment = [this](int n, const std::filesystem::path& bundle, std::stop_token stop) {
      return agent_->deploy(n, bundle, stop);
    };
    pipeline_ = std::make_unique<Pipeline>(clock_, history_, core::Rng(1), p);
  }

  // The run's deploy events but the agent's hooks.
  std::vector<Kind> kinds(int run) const {
    std::vector<Kind> out;
    for (const auto& e : history_.all<core::DeployEvent>())
      if (e.deployment == run && e.kind != Kind::hook_started && e.kind != Kind::hook_finished &&
          e.kind != Kind::hook_timed_out)
        out.push_back(e.kind);
    return out;
  }

  TempDir dir_;
  core::ScaledClock clock_{0.01};
  // How long a test waits for the pipeline to go idle: scenario time, 10 s real at this scale.
  static constexpr core::Duration kIdleWithin = std::chrono::seconds(1000);
  core::History history_;
  core::PathMap paths_;
  std::unique_ptr<CodeDeployAgent> agent_;
  std::unique_ptr<Pipeline> pipeline_;
};

// Goal: a push snapshots the folder as $REPO/$SHA.zip and its run deploys it.
TEST_F(PipelineTest, PushMakesBundleAndDeploysIt) {
  make_pipeline({}, true);
  EXPECT_EQ(pipeline_->push("abc123"), 1);
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "s3/shop/abc123.zip/appspec.yml"));
  auto runs = pipeline_->runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, RunState::succeeded);
  ASSERT_TRUE(runs[0].deployment);
  EXPECT_TRUE(runs[0].deployment->succeeded) << runs[0].deployment->error;
  EXPECT_EQ(kinds(1), (std::vector<Kind>{Kind::push, Kind::workflow_queued, Kind::workflow_started,
                                         Kind::build_finished, Kind::deployment_started, Kind::deployment_created,
                                         Kind::deployment_succeeded, Kind::workflow_succeeded}));
}

// Goal: a build_duration range is drawn per workflow run, in push order, from the pipeline's own
// stream (the same seed gives each run the same build); the run's workflow_started event says what
// it drew and from where, and its build step lasts that long.
TEST_F(PipelineTest, EachRunDrawsItsBuildFromTheRange) {
  const core::DurationRange range{5s, 15s};
  make_pipeline({"deploy", false}, true, range);
  pipeline_->push("sha1");
  pipeline_->push("sha2");
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  core::Rng same(1);  // as make_pipeline gives the pipeline
  for (int run : {1, 2}) {
    const core::Duration drawn = range.draw(same);
    std::optional<core::DeployEvent> started, built;
    for (const auto& e : history_.all<core::DeployEvent>())
      if (e.deployment == run && e.kind == Kind::workflow_started)
        started = e;
      else if (e.deployment == run && e.kind == Kind::build_finished)
        built = e;
    ASSERT_TRUE(started && built) << run;
    EXPECT_NE(started->detail.find(core::drawn_note("build", drawn, range)), std::string::npos) << started->detail;
    EXPECT_GE(built->at - started->at, drawn) << run;
  }
}

// Goal: two quick pushes without a group run concurrently; the second CreateDeployment is refused
// (DeploymentLimitExceededException), its run fails and its deploy is lost (R12).
TEST_F(PipelineTest, TwoQuickPushesWithoutGroupLoseTheSecondDeploy) {
  make_pipeline({}, false);
  pipeline_->push("sha1");
  pipeline_->push("sha2", {.build_duration = 20s});
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  auto runs = pipeline_->runs();
  EXPECT_EQ(runs[0].state, RunState::succeeded);
  EXPECT_EQ(runs[1].state, RunState::failed);
  ASSERT_TRUE(runs[1].deployment);
  EXPECT_TRUE(runs[1].deployment->refused);
  EXPECT_NE(runs[1].detail.find("DeploymentLimitExceededException"), std::string::npos) << runs[1].detail;
  auto second = kinds(2);
  EXPECT_NE(std::find(second.begin(), second.end(), Kind::deployment_refused), second.end());
  EXPECT_EQ(std::count(second.begin(), second.end(), Kind::deployment_started), 0);
}

// Goal: with a group, the second push waits for the first run; a workflow that waits for its
// deployment (`aws deploy wait`) keeps the group busy until it ends, so both deployments run.
TEST_F(PipelineTest, GroupWithWaitSerialisesDeployments) {
  make_pipeline({"deploy", false}, true);
  pipeline_->push("sha1");
  pipeline_->push("sha2");
  EXPECT_EQ(pipeline_->runs()[1].state, RunState::pending);
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  for (const auto& run : pipeline_->runs()) {
    EXPECT_EQ(run.state, RunState::succeeded) << run.number << " " << run.detail;
    ASSERT_TRUE(run.deployment);
    EXPECT_TRUE(run.deployment->succeeded);
  }
  auto second = kinds(2);
  EXPECT_EQ(second[2], Kind::workflow_pending);
}

// Goal: a group alone does not help when the workflow only creates the deployment: run 1 ends at
// CreateDeployment, run 2 builds and is refused while deployment 1 is still active (R12).
TEST_F(PipelineTest, GroupWithoutWaitStillRefusesTheSecondDeployment) {
  make_pipeline({"deploy", false}, false);
  pipeline_->push("sha1");
  pipeline_->push("sha2");
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  auto runs = pipeline_->runs();
  EXPECT_EQ(runs[0].state, RunState::succeeded);
  EXPECT_EQ(runs[1].state, RunState::failed);
  ASSERT_TRUE(runs[1].deployment);
  EXPECT_TRUE(runs[1].deployment->refused);
}

// Goal: three quick pushes in a group: the second (pending) is cancelled by the third.
TEST_F(PipelineTest, NewerPendingRunCancelsOlderPendingRun) {
  make_pipeline({"Deploy", false}, true);
  pipeline_->push("sha1");
  pipeline_->push("sha2");
  pipeline_->push("sha3");
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  auto runs = pipeline_->runs();
  EXPECT_EQ(runs[0].state, RunState::succeeded);
  EXPECT_EQ(runs[1].state, RunState::cancelled);
  EXPECT_FALSE(runs[1].deployment);
  EXPECT_EQ(runs[2].state, RunState::succeeded);
  EXPECT_EQ(kinds(2).back(), Kind::workflow_cancelled);
}

// Goal: cancel-in-progress cancels the running run during its build: only the newest deploys.
TEST_F(PipelineTest, CancelInProgressCancelsTheBuildingRun) {
  make_pipeline({"deploy", true}, true);
  pipeline_->push("sha1");
  pipeline_->push("sha2");
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  auto runs = pipeline_->runs();
  EXPECT_EQ(runs[0].state, RunState::cancelled);
  EXPECT_FALSE(runs[0].deployment);
  EXPECT_EQ(runs[1].state, RunState::succeeded);
}

// Goal: a failing build fails the run with GitHub's wording and creates no deployment.
TEST_F(PipelineTest, FailedBuildCreatesNoDeployment) {
  make_pipeline({}, false);
  pipeline_->push("bad", {.build_fails = true});
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  auto run = pipeline_->runs()[0];
  EXPECT_EQ(run.state, RunState::failed);
  EXPECT_EQ(run.detail, "build step failed: Process completed with exit code 1.");
  EXPECT_FALSE(run.deployment);
  EXPECT_FALSE(agent_->last_successful_deployment_dir());
}

}  // namespace
}  // namespace bg::fakes
