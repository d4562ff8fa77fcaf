// The plan of one push's run and its steps' actions: triggers, concurrency groups, needs order, and
// the corpus's steps evaluated into what the run carries out.
#include "fakes/pipeline/workflow_run_plan.h"

#include <gtest/gtest.h>

#include "core/not_modelled.h"
#include "fakes/pipeline/step_actions.h"

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;

const std::string kSha = "4f2a9c0e1b7d3a5c6e8f0a1b2c3d4e5f6a7b8c9d";

PushEvent push_to(const std::string& branch = "main") {
  PushEvent p;
  p.sha = kSha;
  p.branch = branch;
  p.repository = "acme/web";
  p.run_number = 3;
  return p;
}

Workflow corpus(const std::string& folder) { return read_workflows("scenarios/data/real-world/" + folder).at(0); }

StepScope scope_for(const WorkflowRunPlan& plan, const WorkflowJob& job) {
  StepScope s;
  s.context = plan.context_for(job, {});
  s.env = plan.default_variables(job);
  for (const auto& [k, v] : s.context.env) s.env[k] = v;
  s.workspace = RunnerLayout::workspace(plan.push.repository);
  s.script_id = "step-1";
  return s;
}

// Goal: a push to main runs the corpus workflows; to another branch it does not, and says why.
TEST(WorkflowRunPlan, BranchFilterDecidesWhetherAPushRuns) {
  Workflow w = corpus("03-ssh-action-docker-run-symlink-rm-f");
  EXPECT_TRUE(plan_workflow_run(w, push_to(), {}).triggered);
  auto other = plan_workflow_run(w, push_to("feature/x"), {});
  EXPECT_FALSE(other.triggered);
  EXPECT_NE(other.not_triggered_because.find("feature/x"), std::string::npos);
}

// Goal: the concurrency group is evaluated with the push's github context; none without one.
TEST(WorkflowRunPlan, EvaluatesTheConcurrencyGroup) {
  EXPECT_EQ(plan_workflow_run(corpus("12-ssh-action-compose-symlink-drain"), push_to(), {}).concurrency.group,
            "production");
  EXPECT_EQ(plan_workflow_run(corpus("03-ssh-action-docker-run-symlink-rm-f"), push_to(), {}).concurrency.group, "");
  Workflow w = parse_workflow_text(
      "name: Deploy\non: push\nconcurrency:\n  group: ${{ github.workflow }}-${{ github.ref }}\n"
      "  cancel-in-progress: ${{ github.ref != 'refs/heads/main' }}\n"
      "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n",
      "x.yml");
  auto plan = plan_workflow_run(w, push_to(), {});
  EXPECT_EQ(plan.concurrency.group, "Deploy-refs/heads/main");
  EXPECT_FALSE(plan.concurrency.cancel_in_progress);
  EXPECT_TRUE(plan_workflow_run(w, push_to("dev"), {}).concurrency.cancel_in_progress);
}

// Goal: jobs come after the jobs they need, whatever their order in the file.
TEST(WorkflowRunPlan, OrdersJobsByNeeds) {
  Workflow w = parse_workflow_text(
      "on: push\njobs:\n  deploy:\n    needs: [build, test]\n    runs-on: ubuntu-latest\n    steps: [{run: d}]\n"
      "  test:\n    needs: build\n    runs-on: ubuntu-latest\n    steps: [{run: t}]\n"
      "  build:\n    runs-on: ubuntu-latest\n    steps: [{run: b}]\n",
      "x.yml");
  auto plan = plan_workflow_run(w, push_to(), {});
  ASSERT_EQ(plan.jobs.size(), 3u);
  EXPECT_EQ(plan.jobs[0].job->id, "build");
  EXPECT_EQ(plan.jobs[1].job->id, "test");
  EXPECT_EQ(plan.jobs[2].job->id, "deploy");
}

// Goal: an unmodelled expression anywhere stops the plan before the run starts.
TEST(WorkflowRunPlan, ChecksEveryExpressionBeforeTheRun) {
  Workflow w = parse_workflow_text(
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n"
      "      - run: echo ${{ github.event.head_commit.message }}\n",
      "x.yml");
  EXPECT_THROW(plan_workflow_run(w, push_to(), {}), core::NotModelled);
}

// Goal: 16's steps: checkout, credentials exported, and run: steps as `bash -e <file>` in the
// workspace, the script's first line named in the workflow file.
TEST(StepActions, EvaluatesTheStepsOf16) {
  Workflow w = corpus("16-codedeploy-workflow-compose-wait");
  auto plan = plan_workflow_run(w, push_to(), {});
  const WorkflowJob& job = *plan.jobs[0].job;
  StepScope s = scope_for(plan, job);
  auto checkout = std::get<CheckoutAction>(evaluate_step(job.steps[0], s));
  EXPECT_EQ(checkout.sha, kSha);
  EXPECT_EQ(checkout.path, "/home/runner/work/web/web");
  EXPECT_EQ(checkout.fetch_depth, 1);
  auto creds = std::get<ExportAction>(evaluate_step(job.steps[1], s));
  EXPECT_EQ(creds.variables.at("AWS_REGION"), "ap-northeast-2");
  EXPECT_EQ(creds.variables.at("AWS_ACCESS_KEY_ID"), "***AWS_ACCESS_KEY_ID***");
  auto zip = std::get<ShellAction>(evaluate_step(job.steps[2], s));
  EXPECT_EQ(zip.argv, (std::vector<std::string>{"bash", "-e", "/home/runner/work/_temp/step-1.sh"}));
  EXPECT_EQ(zip.script, "zip -qr ./$GITHUB_SHA.zip . -x '.git/*'");
  EXPECT_EQ(zip.working_directory, "/home/runner/work/web/web");
  auto deploy = std::get<ShellAction>(evaluate_step(job.steps[4], s));
  EXPECT_EQ(deploy.source.line, 42);
  EXPECT_EQ(s.env.at("S3_BUCKET"), "ledger-deploy-bundles");
  EXPECT_EQ(s.env.at("GITHUB_SHA"), kSha);
}

// Goal: 09's build-push tags and ssh-action script with github.sha substituted; 06's timeout.
TEST(StepActions, EvaluatesBuildPushAndSshAction) {
  Workflow w09 = corpus("09-registry-nginx-container-docker-cp");
  auto plan = plan_workflow_run(w09, push_to(), {});
  const WorkflowJob& build = *plan.jobs[0].job;
  auto bp = std::get<DockerBuildPushAction>(evaluate_step(build.steps[2], scope_for(plan, build)));
  EXPECT_FALSE(bp.git_context);
  EXPECT_EQ(bp.context, "/home/runner/work/web/web");
  EXPECT_EQ(bp.file, "/home/runner/work/web/web/Dockerfile");
  EXPECT_EQ(bp.tags, (std::vector<std::string>{"ghcr.io/acme/web:" + kSha, "ghcr.io/acme/web:latest"}));
  EXPECT_TRUE(bp.push);
  const WorkflowJob& deploy = *plan.jobs[1].job;
  auto ssh = std::get<SshScriptAction>(evaluate_step(deploy.steps[0], scope_for(plan, deploy)));
  EXPECT_EQ(ssh.command, "cd /home/ubuntu/web\nTAG=" + kSha + " ./deploy.sh");
  EXPECT_TRUE(ssh.user_from_secret);
  EXPECT_EQ(ssh.command_timeout, core::Duration(10min));
  EXPECT_EQ(ssh.command_lines.front(), 50);  // `script: |` on 49

  Workflow w06 = corpus("06-ssh-action-compose-healthcheck-map");
  auto p06 = plan_workflow_run(w06, push_to(), {});
  auto ssh06 = std::get<SshScriptAction>(evaluate_step(p06.jobs[0].job->steps[0], scope_for(p06, *p06.jobs[0].job)));
  EXPECT_EQ(ssh06.command_timeout, core::Duration(15min));
  EXPECT_EQ(ssh06.port, 22);
}

// Goal: what the action itself refuses is a failed step with its message; a shell other than bash
// or sh is not modelled.
TEST(StepActions, MissingInputsFailTheStepAndOtherShellsAreNotModelled) {
  Workflow w = parse_workflow_text(
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - uses: appleboy/ssh-action@v1.0.3\n        with:\n          script: ls\n"
      "      - uses: appleboy/ssh-action@v1.0.3\n        with:\n          host: h\n          script: ls\n"
      "      - uses: appleboy/ssh-action@v1.0.3\n        with: {host: h, key: k, command_timeout: '10'}\n"
      "      - run: print(1)\n        shell: python\n",
      "x.yml");
  auto plan = plan_workflow_run(w, push_to(), {});
  const WorkflowJob& job = *plan.jobs[0].job;
  StepScope s = scope_for(plan, job);
  EXPECT_EQ(std::get<FailedAction>(evaluate_step(job.steps[0], s)).message, "Error: missing server host");
  EXPECT_EQ(std::get<FailedAction>(evaluate_step(job.steps[1], s)).message,
            "Error: can't connect without a private SSH key or password");
  EXPECT_NE(std::get<FailedAction>(evaluate_step(job.steps[2], s)).message.find("duration"), std::string::npos);
  EXPECT_THROW(evaluate_step(job.steps[3], s), core::NotModelled);
}

}  // namespace
}  // namespace bg::fakes
