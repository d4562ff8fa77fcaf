#include "fakes/pipeline/workflow_run_plan.h"

#include <set>

#include "core/not_modelled.h"

namespace bg::fakes {

std::string secret_placeholder(const std::string& name) { return "***" + name + "***"; }

std::string RunnerLayout::workspace(const std::string& repository) {
  const std::string name = repository.substr(repository.find('/') + 1);
  return std::string(kHome) + "/work/" + name + "/" + name;
}

namespace {

// The github context of a push run (GitHub docs, "Contexts reference", github context). Members
// not listed are not modelled (github.event.* in particular): reading one is NotModelled.
std::map<std::string, std::string> github_context(const Workflow& w, const PushEvent& p) {
  const std::string owner = p.repository.substr(0, p.repository.find('/'));
  return {{"sha", p.sha},
          {"ref", "refs/heads/" + p.branch},
          {"ref_name", p.branch},
          {"ref_type", "branch"},
          {"ref_protected", "false"},
          {"head_ref", ""},
          {"base_ref", ""},
          {"repository", p.repository},
          {"repository_owner", owner},
          {"repositoryurl", "git://github.com/" + p.repository + ".git"},
          {"actor", p.actor},
          {"triggering_actor", p.actor},
          {"event_name", "push"},
          {"workflow", w.name},
          {"workflow_ref", p.repository + "/" + w.file + "@refs/heads/" + p.branch},
          {"run_id", std::to_string(p.run_id)},
          {"run_number", std::to_string(p.run_number)},
          {"run_attempt", "1"},
          {"server_url", "https://github.com"},
          {"api_url", "https://api.github.com"},
          {"graphql_url", "https://api.github.com/graphql"},
          {"workspace", RunnerLayout::workspace(p.repository)},
          {"token", secret_placeholder("GITHUB_TOKEN")},
          {"retention_days", "90"}};
}

std::map<std::string, std::string> runner_context() {
  return {{"os", "Linux"},
          {"arch", "X64"},
          {"name", "GitHub Actions 1"},
          {"temp", RunnerLayout::kTemp},
          {"tool_cache", RunnerLayout::kToolCache},
          {"environment", "github-hosted"}};
}

bool true_text(const std::string& s) { return s == "true" || s == "True" || s == "TRUE"; }

// Jobs so that each comes after the jobs it needs; among ready jobs, file order.
std::vector<PlannedJob> needs_order(const Workflow& w) {
  std::vector<PlannedJob> out;
  std::set<std::string> placed;
  while (out.size() < w.jobs.size()) {
    for (const auto& job : w.jobs) {
      if (placed.count(job.id)) continue;
      bool ready = true;
      for (const auto& n : job.needs) ready = ready && placed.count(n.value);
      if (!ready) continue;
      PlannedJob pj{&job, {}};
      for (const auto& n : job.needs) pj.needs.push_back(n.value);
      out.push_back(pj);
      placed.insert(job.id);
      break;  // restart from the top: file order among ready jobs
    }
  }
  return out;
}

// Evaluates every expression of the workflow once with what is known before the run (steps'
// outputs read as empty), for the errors only.
void check_expressions(const WorkflowRunPlan& plan, const RepositorySettings& settings) {
  const Workflow& w = *plan.workflow;
  for (const auto& job : w.jobs) {
    ExprContext c = plan.context_for(job, settings);
    if (job.if_condition) {
      ExprContext jc = c;
      jc.allowed = {"github", "inputs", "vars", "needs"};
      evaluate_condition(job.if_condition->value, jc, job.if_condition->where);
    }
    if (job.environment) {
      ExprContext jc = c;
      jc.allowed = contexts_for_job_fields();
      evaluate_template(job.environment->value, jc, job.environment->where);
    }
    for (const auto& [name, text] : job.outputs) evaluate_template(text.value, c, text.where);
    for (const auto& step : job.steps) {
      if (step.if_condition) evaluate_condition(step.if_condition->value, c, step.if_condition->where);
      for (const auto* t : {&step.run, &step.shell, &step.working_directory, &step.continue_on_error})
        if (*t) evaluate_template((*t)->value, c, (*t)->where);
      for (const auto& [k, t] : step.with) evaluate_template(t.value, c, t.where);
      for (const auto& [k, t] : step.env) evaluate_template(t.value, c, t.where);
    }
  }
}

}  // namespace

ExprContext WorkflowRunPlan::context_for(const WorkflowJob& job, const RepositorySettings& settings) const {
  ExprContext c;
  c.allowed = contexts_for_steps();
  c.github = github;
  c.github["job"] = job.id;
  c.runner = runner_context();
  c.vars = settings.vars;
  c.secret = settings.secret ? settings.secret : secret_placeholder;
  // Workflow env first (it may read github, vars, secrets), then the job's over it.
  ExprContext wc = c;
  wc.allowed = contexts_for_workflow_env();
  for (const auto& [k, t] : workflow->env) c.env[k] = evaluate_template(t.value, wc, t.where);
  ExprContext jc = c;
  jc.allowed = {"github", "inputs", "vars", "needs", "strategy", "matrix", "secrets"};
  for (const auto& [k, t] : job.env) c.env[k] = evaluate_template(t.value, jc, t.where);
  return c;
}

std::map<std::string, std::string> WorkflowRunPlan::default_variables(const WorkflowJob& job) const {
  // GitHub docs, "Variables reference", default environment variables.
  auto g = [&](const char* k) { return github.at(k); };
  return {{"CI", "true"},
          {"GITHUB_ACTIONS", "true"},
          {"GITHUB_ACTOR", g("actor")},
          {"GITHUB_TRIGGERING_ACTOR", g("triggering_actor")},
          {"GITHUB_API_URL", g("api_url")},
          {"GITHUB_GRAPHQL_URL", g("graphql_url")},
          {"GITHUB_SERVER_URL", g("server_url")},
          {"GITHUB_BASE_REF", ""},
          {"GITHUB_HEAD_REF", ""},
          {"GITHUB_EVENT_NAME", "push"},
          {"GITHUB_EVENT_PATH", std::string(RunnerLayout::kTemp) + "/_github_workflow/event.json"},
          {"GITHUB_JOB", job.id},
          {"GITHUB_REF", g("ref")},
          {"GITHUB_REF_NAME", g("ref_name")},
          {"GITHUB_REF_TYPE", "branch"},
          {"GITHUB_REF_PROTECTED", "false"},
          {"GITHUB_REPOSITORY", g("repository")},
          {"GITHUB_REPOSITORY_OWNER", g("repository_owner")},
          {"GITHUB_RETENTION_DAYS", "90"},
          {"GITHUB_RUN_ATTEMPT", "1"},
          {"GITHUB_RUN_ID", g("run_id")},
          {"GITHUB_RUN_NUMBER", g("run_number")},
          {"GITHUB_SHA", g("sha")},
          {"GITHUB_WORKFLOW", g("workflow")},
          {"GITHUB_WORKFLOW_REF", g("workflow_ref")},
          {"GITHUB_WORKSPACE", g("workspace")},
          {"HOME", RunnerLayout::kHome},
          {"RUNNER_ARCH", "X64"},
          {"RUNNER_ENVIRONMENT", "github-hosted"},
          {"RUNNER_NAME", "GitHub Actions 1"},
          {"RUNNER_OS", "Linux"},
          {"RUNNER_TEMP", RunnerLayout::kTemp},
          {"RUNNER_TOOL_CACHE", RunnerLayout::kToolCache},
          {"ImageOS", "ubuntu22"},
          {"PATH", "/home/runner/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"}};
}

WorkflowRunPlan plan_workflow_run(const Workflow& workflow, const PushEvent& push, const RepositorySettings& settings) {
  WorkflowRunPlan plan;
  plan.workflow = &workflow;
  plan.push = push;
  plan.github = github_context(workflow, push);
  plan.triggered = push_triggers_branch(workflow.push, push.branch);
  if (!workflow.push.enabled) {
    plan.not_triggered_because = fmt::format("{} has no `on: push` trigger", workflow.file);
  } else if (!plan.triggered) {
    plan.not_triggered_because =
        fmt::format("{}: `on.push` filters do not match branch {}", workflow.file, push.branch);
  }
  if (workflow.concurrency_group) {
    ExprContext c;
    c.allowed = contexts_for_workflow_concurrency();
    c.github = plan.github;
    c.vars = settings.vars;
    plan.concurrency.group = evaluate_template(workflow.concurrency_group->value, c, workflow.concurrency_group->where);
    if (workflow.cancel_in_progress)
      plan.concurrency.cancel_in_progress =
          true_text(evaluate_template(workflow.cancel_in_progress->value, c, workflow.cancel_in_progress->where));
  }
  plan.jobs = needs_order(workflow);
  check_expressions(plan, settings);
  return plan;
}

}  // namespace bg::fakes
