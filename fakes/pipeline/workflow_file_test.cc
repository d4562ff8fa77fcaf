// Reading workflow files: the corpus's five workflows, GitHub's own rejections with file:line:column,
// and what is not modelled named with file:line.
#include "fakes/pipeline/workflow_file.h"

#include <gtest/gtest.h>

#include "core/not_modelled.h"

namespace bg::fakes {
namespace {

const std::string kCorpus = "scenarios/data/real-world/";

Workflow corpus(const std::string& folder) {
  auto all = read_workflows(kCorpus + folder);
  EXPECT_EQ(all.size(), 1u) << folder;
  return all.at(0);
}

// Goal: 03's ssh-action workflow: one job, one step, the script with the line its text starts on.
TEST(WorkflowFile, ReadsTheSshActionWorkflowOf03) {
  Workflow w = corpus("03-ssh-action-docker-run-symlink-rm-f");
  EXPECT_EQ(w.file, ".github/workflows/deploy.yml");
  EXPECT_EQ(w.name, "Deploy");
  EXPECT_TRUE(w.push.enabled);
  EXPECT_EQ(w.push.branches, std::vector<std::string>{"main"});
  ASSERT_EQ(w.jobs.size(), 1u);
  const WorkflowStep& s = w.jobs[0].steps.at(0);
  EXPECT_EQ(s.action, "appleboy/ssh-action");
  EXPECT_EQ(s.version, "v1.0.3");
  EXPECT_EQ(s.with.at("username").value, "ubuntu");
  EXPECT_EQ(s.with.at("script").value, "cd /home/ubuntu/web\ngit pull origin main\n./scripts/deploy.sh\n");
  EXPECT_EQ(s.with.at("script").content_line, 18);  // `script: |` is on line 17
  EXPECT_EQ(s.display_name(), "Deploy to EC2 over SSH");
}

// Goal: the other four corpus workflows read, with their concurrency, needs, env and dispatch.
TEST(WorkflowFile, ReadsTheOtherCorpusWorkflows) {
  Workflow w06 = corpus("06-ssh-action-compose-healthcheck-map");
  EXPECT_TRUE(w06.workflow_dispatch);
  EXPECT_EQ(w06.concurrency_group->value, "production");
  EXPECT_EQ(w06.cancel_in_progress->value, "false");
  EXPECT_EQ(w06.jobs[0].environment->value, "production");
  EXPECT_EQ(w06.jobs[0].steps[0].with.at("command_timeout").value, "15m");

  Workflow w09 = corpus("09-registry-nginx-container-docker-cp");
  ASSERT_EQ(w09.jobs.size(), 2u);
  EXPECT_EQ(w09.jobs[1].id, "deploy");
  EXPECT_EQ(w09.jobs[1].needs.at(0).value, "build");
  EXPECT_EQ(w09.env.at("IMAGE").value, "ghcr.io/acme/web");
  EXPECT_EQ(w09.jobs[0].steps.size(), 3u);
  EXPECT_EQ(w09.jobs[0].steps[2].with.at("tags").value,
            "${{ env.IMAGE }}:${{ github.sha }}\n${{ env.IMAGE }}:latest\n");

  Workflow w12 = corpus("12-ssh-action-compose-symlink-drain");
  EXPECT_EQ(w12.concurrency_group->value, "production");
  EXPECT_FALSE(w12.cancel_in_progress);

  Workflow w16 = corpus("16-codedeploy-workflow-compose-wait");
  const auto& steps = w16.jobs[0].steps;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].action, "actions/checkout");
  EXPECT_EQ(steps[2].run->value, "zip -qr ./$GITHUB_SHA.zip . -x '.git/*'");
  EXPECT_EQ(steps[4].run->content_line, 42);  // `run: |` on 41
}

WorkflowError error_of(const std::string& text) {
  try {
    parse_workflow_text(text, ".github/workflows/x.yml");
  } catch (const WorkflowError& e) {
    return e;
  }
  ADD_FAILURE() << "no WorkflowError for:\n" << text;
  return WorkflowError("", 0, 0, "");
}

const std::string kHead = "on: push\njobs:\n";

// Goal: what GitHub refuses, at the place GitHub names, in GitHub's words.
TEST(WorkflowFile, RejectsWhatGitHubRejects) {
  auto e = error_of(kHead + "  deploy:\n    steps:\n      - run: echo\n");
  EXPECT_EQ(e.message(), "Required property is missing: runs-on");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(
      e.github_text(),
      "The workflow is not valid. .github/workflows/x.yml (Line: 3, Col: 3): Required property is missing: runs-on");
  e = error_of(kHead + "  deploy:\n    runs-on: ubuntu-latest\n");
  EXPECT_EQ(e.message(), "No steps defined in `steps` and no workflow called in `uses` for the following jobs: deploy");
  e = error_of(kHead + "  deploy:\n    runs-on: ubuntu-latest\n    needs: buld\n    steps:\n      - run: x\n");
  EXPECT_EQ(e.message(), "Job 'deploy' depends on unknown job 'buld'.");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.column(), 12);
  e = error_of(
      kHead +
      "  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n  b:\n    runs-on: ubuntu-latest\n"
      "    needs: c\n    steps: [{run: x}]\n  c:\n    runs-on: ubuntu-latest\n    needs: b\n    steps: [{run: x}]\n");
  EXPECT_NE(e.message().find("creates a cycle in the dependency graph"), std::string::npos) << e.message();
  e = error_of(kHead + "  deploy:\n    runs_on: ubuntu-latest\n    steps: [{run: x}]\n");
  EXPECT_EQ(e.message(), "Unexpected value 'runs_on'");
  e = error_of(kHead + "  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - name: nothing\n");
  EXPECT_EQ(e.message(), "Expected one of uses or run to be defined");
  EXPECT_EQ(e.line(), 6);
  e = error_of(kHead + "  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout\n");
  EXPECT_EQ(e.message(), "Expected format {org}/{repo}[/path]@ref. Actual 'actions/checkout'");
  e = error_of(
      "on:\n  push:\n    branches: [main]\n    branches-ignore: [dev]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    "
      "steps: [{run: x}]\n");
  EXPECT_EQ(e.line(), 4);
  e = error_of("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: x\n     - run: y\n");
  EXPECT_NE(e.message().find("yaml syntax"), std::string::npos) << e.message();
  e = error_of("on: pushh\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n");
  EXPECT_EQ(e.message(), "Unexpected value 'pushh'");
}

std::string not_modelled_of(const std::string& text) {
  try {
    parse_workflow_text(text, ".github/workflows/x.yml");
  } catch (const core::NotModelled& e) {
    return e.subject();
  }
  ADD_FAILURE() << "no NotModelled for:\n" << text;
  return "";
}

// Goal: what GitHub accepts but bluegreen does not model is named with file:line.
TEST(WorkflowFile, NamesWhatIsNotModelled) {
  const std::string job = "  deploy:\n    runs-on: ubuntu-latest\n    steps:\n";
  std::string s = not_modelled_of(kHead + job + "      - uses: actions/cache@v4\n");
  EXPECT_NE(s.find("actions/cache@v4"), std::string::npos) << s;
  EXPECT_NE(s.find(".github/workflows/x.yml:6"), std::string::npos) << s;
  s = not_modelled_of(kHead + job +
                      "      - uses: appleboy/ssh-action@v1.0.3\n        with:\n          proxy_host: jump\n");
  EXPECT_NE(s.find("proxy_host"), std::string::npos) << s;
  s = not_modelled_of(kHead + job + "      - uses: actions/checkout@v1\n");
  EXPECT_NE(s.find("modelled versions"), std::string::npos) << s;
  s = not_modelled_of("on:\n  push:\n    paths: ['src/**']\njobs:\n" + job + "      - run: x\n");
  EXPECT_NE(s.find("on.push.paths"), std::string::npos) << s;
  s = not_modelled_of(kHead + "  deploy:\n    runs-on: self-hosted\n    steps: [{run: x}]\n");
  EXPECT_NE(s.find("self-hosted"), std::string::npos) << s;
  s = not_modelled_of(
      kHead + "  deploy:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix: {n: [1]}\n    steps: [{run: x}]\n");
  EXPECT_NE(s.find("strategy"), std::string::npos) << s;
  // Asking for nothing is not asking for something unmodelled.
  EXPECT_NO_THROW(parse_workflow_text(
      kHead + job + "      - uses: actions/checkout@v4\n        with:\n          submodules: false\n", "x"));
}

// Goal: GitHub's filter patterns decide whether a push to a branch runs the workflow.
TEST(WorkflowFile, BranchFiltersFollowGitHubsPatterns) {
  EXPECT_TRUE(filter_pattern_matches("main", "main"));
  EXPECT_FALSE(filter_pattern_matches("main", "main2"));
  EXPECT_TRUE(filter_pattern_matches("release/*", "release/v1"));
  EXPECT_FALSE(filter_pattern_matches("release/*", "release/v1/hotfix"));
  EXPECT_TRUE(filter_pattern_matches("release/**", "release/v1/hotfix"));
  EXPECT_TRUE(filter_pattern_matches("v[12].[0-9]+.x", "v1.10.x"));
  EXPECT_TRUE(filter_pattern_matches("feature\\*", "feature*"));
  EXPECT_FALSE(filter_pattern_matches("feature\\*", "feature1"));

  PushTrigger p;
  p.enabled = true;
  EXPECT_TRUE(push_triggers_branch(p, "anything"));
  p.branches = {"releases/**", "!releases/**-alpha"};
  EXPECT_TRUE(push_triggers_branch(p, "releases/10"));
  EXPECT_FALSE(push_triggers_branch(p, "releases/10-alpha"));
  p.branches = {};
  p.branches_ignore = {"dev*"};
  EXPECT_FALSE(push_triggers_branch(p, "develop"));
  EXPECT_TRUE(push_triggers_branch(p, "main"));
  p.branches_ignore = {};
  p.tags = {"v*"};
  EXPECT_FALSE(push_triggers_branch(p, "main"));  // tags only: branch pushes do not run it
  p.enabled = false;
  p.tags = {};
  EXPECT_FALSE(push_triggers_branch(p, "main"));
}

}  // namespace
}  // namespace bg::fakes
