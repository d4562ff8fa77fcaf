// The pipeline running the corpus's workflows as written: 16's zip / aws s3 cp / create-deployment /
// wait against the real agent, with its concurrency group; 12's ssh-action `git pull` + swap on the
// deploy host, one commit per push; a push the branch filter does not run.
#include "fakes/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "fakes/codedeploy/codedeploy_test_support.h"
#include "fakes/pipeline/workflow_test_support.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::read_file;
using test_support::TempDir;
using test_support::TestHost;
using test_support::write_file;
using Kind = core::DeployEventKind;

const fs::path kCorpus = "scenarios/data/real-world";

class PipelineWorkflowTest : public ::testing::Test {
 protected:
  PipelineWorkflowTest() : deploy_host_(dir_ / "deploy") {
    origin_ = std::make_unique<GitOrigin>(GitOriginOptions{dir_ / "github/acme/web.git", "acme/web", "main"});
  }
  ~PipelineWorkflowTest() override {
    if (pipeline_) pipeline_->shutdown();
  }

  void use_workflow_of(const std::string& folder) {
    fs::create_directories(dir_ / "src/.github/workflows");
    fs::copy_file(kCorpus / folder / ".github/workflows/deploy.yml", dir_ / "src/.github/workflows/deploy.yml");
  }

  void make_pipeline(std::function<DeploymentResult(int, const fs::path&, std::stop_token)> deploy = {}) {
    PipelineOptions p;
    p.source_dir = dir_ / "src";
    p.s3_root = dir_ / "s3";
    p.create_deployment = std::move(deploy);
    WorkflowMode w;
    w.workflow = read_workflows(dir_ / "src").at(0);
    w.push.repository = "acme/web";
    w.origin = origin_.get();
    w.hosts.deploy_host = &deploy_host_;
    w.hosts.deploy_default_user = "ubuntu";
    w.hosts.new_runner = [this](int run, const std::string& job) {
      auto host = std::make_unique<TestHost>(dir_ / fmt::format("runner-{}-{}", run, job));
      TestHost* h = host.get();
      h->intercept("aws", [this, run, h](const std::vector<std::string>& args, const std::string& cwd,
                                         const std::map<std::string, std::string>& env) {
        AwsCaller caller{run, fmt::format("runner-{}", run), &h->files(), cwd, env};
        return pipeline_->aws_cli()->run(args, caller);
      });
      return std::unique_ptr<WorkflowHost>(std::move(host));
    };
    p.workflow = std::move(w);
    pipeline_ = std::make_unique<Pipeline>(clock_, history_, core::Rng(1), std::move(p));
  }

  // The run's deploy events but its jobs' and steps' (and hooks', which a CodeDeploy agent would write).
  std::vector<Kind> kinds(int run) const {
    static constexpr Kind kSkipped[] = {Kind::hook_started, Kind::hook_finished, Kind::hook_timed_out,
                                        Kind::step_started, Kind::step_finished, Kind::job_skipped,
                                        Kind::job_started,  Kind::job_finished};
    std::vector<Kind> out;
    for (const auto& e : history_.all<core::DeployEvent>())
      if (e.deployment == run && std::ranges::find(kSkipped, e.kind) == std::end(kSkipped)) out.push_back(e.kind);
    return out;
  }

  TempDir dir_;
  core::ScaledClock clock_{0.002};
  // How long a test waits for the pipeline to go idle: scenario time, 60 s real at this scale.
  static constexpr core::Duration kIdleWithin = std::chrono::seconds(30000);
  core::History history_;
  TestHost deploy_host_;
  std::unique_ptr<GitOrigin> origin_;
  std::unique_ptr<Pipeline> pipeline_;
};

// Goal: 16's workflow unmodified: zip, upload, create-deployment, wait; the concurrency group keeps
// the second push pending until the first run's deployment ended, so both deploy.
TEST_F(PipelineWorkflowTest, Corpus16DeploysThroughTheAwsCliTwice) {
  use_workflow_of("16-codedeploy-workflow-compose-wait");
  write_file(dir_ / "src/appspec.yml",
             "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /home/ec2-user/app\nhooks:\n"
             "  ApplicationStart:\n    - location: start.sh\n      timeout: 600\n");
  write_file(dir_ / "src/start.sh", "#!/bin/bash\nsleep 0.3\n", true);
  core::PathMap instance;
  fs::create_directories(dir_ / "instance");
  instance.add("/home/ec2-user/app", dir_ / "instance");
  AgentOptions a;
  a.deployment_root = dir_ / "deployment-root";
  a.environment = {{"PATH", "/usr/bin:/bin"}};
  a.on_event = [this](const core::DeployEvent& e) {
    if (pipeline_) pipeline_->on_codedeploy_event(e);
  };
  CodeDeployAgent agent(clock_, history_, instance, a);
  make_pipeline([&](int n, const fs::path& bundle, std::stop_token stop) { return agent.deploy(n, bundle, stop); });
  pipeline_->push("drawn-sha-1");
  pipeline_->push("drawn-sha-2");
  EXPECT_EQ(pipeline_->runs()[1].state, RunState::pending);
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  for (const auto& run : pipeline_->runs()) {
    EXPECT_EQ(run.state, RunState::succeeded) << run.number << ": " << run.detail << " " << run.not_modelled;
    ASSERT_TRUE(run.deployment) << run.number;
    EXPECT_TRUE(run.deployment->succeeded) << run.deployment->error;
    EXPECT_EQ(run.sha.size(), 40u);
  }
  EXPECT_TRUE(fs::exists(dir_ / "instance/start.sh"));
  EXPECT_TRUE(fs::exists(dir_ / "s3/ledger-deploy-bundles/acme/web/" / (pipeline_->runs()[0].sha + ".zip")));
  auto second = kinds(2);
  EXPECT_EQ(second[2], Kind::workflow_pending);
}

// Goal: 12's ssh-action: `git pull origin main` in the admin's clone brings each push's commit and
// the swap script runs; each script run is that run's deployment.
TEST_F(PipelineWorkflowTest, Corpus12PullsEachPushOnTheDeployHost) {
  use_workflow_of("12-ssh-action-compose-symlink-drain");
  write_file(dir_ / "src/deploy/swap.sh", "git rev-parse HEAD >> ~/swapped.log\n");
  origin_->commit(dir_ / "src", 0, "initial");
  origin_->clone_into(dir_ / "deploy/home/ubuntu/blog");
  // What the host's git shim adds (git_command.h): the run's repository instead of GitHub.
  int i = 0;
  const auto config = origin_->rewrite_config(origin_->dir().string());
  deploy_host_.extra_env["GIT_CONFIG_COUNT"] = std::to_string(config.size());
  for (const auto& [k, v] : config) {
    deploy_host_.extra_env[fmt::format("GIT_CONFIG_KEY_{}", i)] = k;
    deploy_host_.extra_env[fmt::format("GIT_CONFIG_VALUE_{}", i++)] = v;
  }
  make_pipeline();
  // One push at a time: a run's `git pull origin main` gets whatever main is when it runs, so a
  // second push made before the first run pulled would (rightly) give both runs its commit.
  pipeline_->push("a");
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  pipeline_->push("b");
  ASSERT_TRUE(pipeline_->wait_idle(kIdleWithin));
  auto runs = pipeline_->runs();
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) EXPECT_EQ(run.state, RunState::succeeded) << run.detail << " " << run.not_modelled;
  EXPECT_EQ(read_file(dir_ / "deploy/home/ubuntu/swapped.log"), runs[0].sha + "\n" + runs[1].sha + "\n");
  auto first = kinds(1);
  EXPECT_NE(std::find(first.begin(), first.end(), Kind::deployment_started), first.end());
  EXPECT_NE(std::find(first.begin(), first.end(), Kind::deployment_succeeded), first.end());
}

// Goal: a push to a branch the filter does not name makes no run (GitHub creates none).
TEST_F(PipelineWorkflowTest, PushToAnotherBranchIsNotRun) {
  use_workflow_of("03-ssh-action-docker-run-symlink-rm-f");
  PipelineOptions p;
  p.source_dir = dir_ / "src";
  p.s3_root = dir_ / "s3";
  WorkflowMode w;
  w.workflow = read_workflows(dir_ / "src").at(0);
  w.push.branch = "develop";
  w.origin = origin_.get();
  p.workflow = std::move(w);
  Pipeline pipeline(clock_, history_, core::Rng(1), std::move(p));
  pipeline.push("x");
  ASSERT_TRUE(pipeline.wait_idle(kIdleWithin));
  EXPECT_EQ(pipeline.runs()[0].state, RunState::skipped);
  EXPECT_NE(pipeline.runs()[0].detail.find("develop"), std::string::npos);
}

}  // namespace
}  // namespace bg::fakes
