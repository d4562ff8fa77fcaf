// A workflow run carried out: jobs in needs order on fresh runners, GITHUB_ENV and outputs between
// steps and jobs, failures and their effect on later steps and jobs, ssh-action on the deploy host,
// actions/checkout from the run's repository.
#include "fakes/pipeline/workflow_runner.h"

#include <gtest/gtest.h>

#include "fakes/codedeploy/codedeploy_test_support.h"
#include "fakes/pipeline/workflow_test_support.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using test_support::TestHost;
using test_support::write_file;

class WorkflowRunnerTest : public ::testing::Test {
 protected:
  WorkflowRunnerTest() : deploy_(dir_ / "deploy") {
    write_file(dir_ / "src/deploy.sh", "#!/bin/bash\necho deployed\n", true);
    origin_ = std::make_unique<GitOrigin>(GitOriginOptions{dir_ / "github.git", "acme/web", "main"});
    sha_ = origin_->commit(dir_ / "src", 1, "push 1");
    fs::create_directories(dir_ / "deploy/home/ubuntu");
    hosts_.new_runner = [this](int, const std::string& job) {
      auto host = std::make_unique<TestHost>(dir_ / ("runner-" + job));
      return std::unique_ptr<WorkflowHost>(std::move(host));
    };
    hosts_.deploy_host = &deploy_;
    hosts_.deploy_default_user = "ubuntu";
  }

  WorkflowRunResult run(const std::string& yaml) {
    workflow_ = parse_workflow_text(yaml, ".github/workflows/deploy.yml");
    PushEvent push;
    push.sha = sha_;
    plan_ = plan_workflow_run(workflow_, push, {});
    WorkflowRunnerOptions o;
    o.clock = &clock_;
    o.plan = &plan_;
    o.hosts = &hosts_;
    o.origin = origin_.get();
    o.emit = [this](core::DeployEventKind kind, const std::string& detail) {
      std::lock_guard lock(mutex_);
      events_.push_back(std::string(core::deploy_event_kind_name(kind)) + " " + detail);
    };
    return WorkflowRunner(o).run({});
  }

  const StepRecord& step(const WorkflowRunResult& r, const std::string& name) {
    for (const auto& s : r.steps)
      if (s.name == name) return s;
    ADD_FAILURE() << "no step " << name;
    return r.steps.at(0);
  }

  TempDir dir_;
  core::ScaledClock clock_{0.01};
  TestHost deploy_;
  std::unique_ptr<GitOrigin> origin_;
  std::string sha_;
  WorkflowHosts hosts_;
  Workflow workflow_;
  WorkflowRunPlan plan_;
  std::mutex mutex_;
  std::vector<std::string> events_;
};

// Goal: GITHUB_ENV and GITHUB_OUTPUT reach later steps, job outputs reach the jobs that need it.
TEST_F(WorkflowRunnerTest, PassesVariablesAndOutputsAlong) {
  auto r = run(R"yaml(on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      tag: ${{ steps.meta.outputs.tag }}
    steps:
      - id: meta
        run: |
          echo "tag=v-$GITHUB_RUN_NUMBER" >> "$GITHUB_OUTPUT"
          echo "GREETING=hello" >> "$GITHUB_ENV"
      - name: uses both
        run: test "$GREETING" = hello && test "${{ steps.meta.outputs.tag }}" = v-1 && test "${{ env.GREETING }}" = hello
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - name: sees the output
        run: test "${{ needs.build.outputs.tag }}" = v-1 && test -z "$GREETING"
)yaml");
  EXPECT_EQ(r.conclusion, "success") << r.detail << r.not_modelled;
  EXPECT_EQ(step(r, "uses both").conclusion, "success") << step(r, "uses both").err;
  EXPECT_EQ(step(r, "sees the output").conclusion, "success") << step(r, "sees the output").err;
  ASSERT_EQ(r.jobs.size(), 2u);
  EXPECT_EQ(r.jobs[0].outputs.at("tag"), "v-1");
}

// Goal: a failed step fails its job; later steps are skipped unless if: failure()/always();
// continue-on-error keeps the job going; a job needing a failed job is skipped.
TEST_F(WorkflowRunnerTest, FailuresSkipWhatGitHubSkips) {
  auto r = run(R"yaml(on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: tolerated
        run: exit 4
        continue-on-error: true
      - name: breaks
        run: exit 3
      - name: after
        run: echo never
      - name: report
        if: failure()
        run: echo reporting
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo never
)yaml");
  EXPECT_EQ(r.conclusion, "failure");
  EXPECT_EQ(step(r, "tolerated").outcome, "failure");
  EXPECT_EQ(step(r, "tolerated").conclusion, "success");
  EXPECT_EQ(step(r, "breaks").message, "Process completed with exit code 3.");
  EXPECT_EQ(step(r, "after").conclusion, "skipped");
  EXPECT_EQ(step(r, "report").conclusion, "success");
  EXPECT_EQ(r.jobs[1].result, "skipped");
  EXPECT_NE(r.detail.find("breaks"), std::string::npos) << r.detail;
}

// Goal: ssh-action runs its script with bash -c as the user in their home on the deploy host, and
// the script's run is deployment 1 for the checkers; a failing script fails the step as drone-ssh says.
TEST_F(WorkflowRunnerTest, SshActionRunsTheScriptOnTheDeployHost) {
  auto r = run(R"yaml(on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: swap
        uses: appleboy/ssh-action@v1.0.3
        with:
          host: ${{ secrets.HOST }}
          username: ${{ secrets.USER }}
          key: ${{ secrets.KEY }}
          script: |
            pwd > where.txt
            echo "$USER" >> where.txt
            exit 5
)yaml");
  EXPECT_EQ(r.conclusion, "failure");
  EXPECT_EQ(step(r, "swap").message, "Process exited with status 5");
  ASSERT_EQ(deploy_.commands.size(), 1u);
  const HostCommand& c = deploy_.commands[0];
  EXPECT_EQ(c.argv.at(0), "bash");
  EXPECT_EQ(c.argv.at(1), "-c");
  EXPECT_EQ(c.cwd, "/home/ubuntu");
  EXPECT_EQ(c.source_lines.at(0), 13);  // `script: |` on 12
  EXPECT_EQ(test_support::read_file(dir_ / "deploy/home/ubuntu/where.txt"),
            (dir_ / "deploy/home/ubuntu").string() + "\nubuntu\n");
  std::lock_guard lock(mutex_);
  EXPECT_NE(std::find(events_.begin(), events_.end(), "deployment_started appleboy/ssh-action on ubuntu@***HOST***"),
            events_.end());
  EXPECT_NE(std::find(events_.begin(), events_.end(), "deployment_failed Process exited with status 5"), events_.end());
}

// Goal: actions/checkout brings the pushed commit into the workspace, where run: steps work.
TEST_F(WorkflowRunnerTest, CheckoutThenRunInTheWorkspace) {
  auto r = run(R"yaml(on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: listed
        run: test -x deploy.sh && test "$(git rev-parse HEAD)" = "$GITHUB_SHA"
)yaml");
  EXPECT_EQ(r.conclusion, "success") << r.detail << step(r, "listed").err;
  EXPECT_TRUE(fs::exists(dir_ / "runner-deploy/home/runner/work/web/web/deploy.sh"));
}

// Goal: an unmodelled request inside a step ends the run's steps and is reported.
TEST_F(WorkflowRunnerTest, ReportsWhatIsNotModelled) {
  auto r = run(R"yaml(on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: some-other-branch
      - name: after
        run: echo
)yaml");
  EXPECT_NE(r.not_modelled.find("some-other-branch"), std::string::npos) << r.not_modelled;
  EXPECT_EQ(r.conclusion, "failure");
}

// Goal: 09's build job hands build-push the checked-out workspace and its tags; the deploy job
// (needs: build) then runs the ssh script with github.sha substituted.
TEST_F(WorkflowRunnerTest, Corpus09BuildsThenSwapsOverSsh) {
  write_file(dir_ / "src/Dockerfile", "FROM node:20\n");
  sha_ = origin_->commit(dir_ / "src", 2, "push 2");
  std::vector<DockerBuildPushAction> builds;
  hosts_.docker_build_push = [&](const DockerBuildPushAction& a, WorkflowHost& runner, std::stop_token) {
    EXPECT_TRUE(fs::exists(runner.files().resolve(a.file))) << a.file;
    builds.push_back(a);
    return ActionOutcome{};
  };
  std::string text = test_support::read_file(
      "scenarios/data/real-world/09-registry-nginx-container-docker-cp/.github/workflows/deploy.yml");
  auto r = run(text);
  // (The script's `cd /home/ubuntu/web` is a host path this test host does not map: only the build
  // job's result and the command sent are checked.)
  EXPECT_EQ(r.jobs.at(0).result, "success") << r.detail << r.not_modelled;
  EXPECT_TRUE(r.not_modelled.empty()) << r.not_modelled;
  ASSERT_EQ(builds.size(), 1u);
  EXPECT_EQ(builds[0].tags.at(0), "ghcr.io/acme/web:" + sha_);
  EXPECT_TRUE(builds[0].push);
  ASSERT_EQ(deploy_.commands.size(), 1u);
  EXPECT_EQ(deploy_.commands[0].argv.at(2), "cd /home/ubuntu/web\nTAG=" + sha_ + " ./deploy.sh");
}

// Goal: scp-action tars the sources on the runner and untars them under the target on the host,
// stripping leading components; `!pattern` excludes.
TEST_F(WorkflowRunnerTest, ScpActionCopiesFilesToTheHost) {
  auto r = run(R"yaml(on: push
jobs:
  copy:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir -p dist/app && echo one > dist/app/a.txt && echo two > dist/app/b.log
      - uses: appleboy/scp-action@v0.1.7
        with:
          host: h
          username: ubuntu
          key: k
          source: "dist/app/*,!dist/app/*.log"
          target: /home/ubuntu/site
          strip_components: 2
)yaml");
  EXPECT_EQ(r.conclusion, "success") << r.detail << r.not_modelled;
  EXPECT_EQ(test_support::read_file(dir_ / "deploy/home/ubuntu/site/a.txt"), "one\n");
  EXPECT_FALSE(fs::exists(dir_ / "deploy/home/ubuntu/site/b.log"));
}

}  // namespace
}  // namespace bg::fakes
