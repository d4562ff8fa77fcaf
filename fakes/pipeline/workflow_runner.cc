#include "fakes/pipeline/workflow_runner.h"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <algorithm>

#include <fmt/format.h>

#include "core/not_modelled.h"

namespace bg::fakes {

namespace fs = std::filesystem;

struct WorkflowRunner::Shared {
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::string, JobRecord> done;
  WorkflowRunResult result;

  void note_not_modelled(const std::string& what) {
    std::lock_guard lock(mutex);
    if (result.not_modelled.empty()) result.not_modelled = what;
  }
  void add_step(StepRecord record) {
    std::lock_guard lock(mutex);
    if (record.conclusion == "failure" && result.detail.empty())
      result.detail = fmt::format("job {}, step \"{}\": {}", record.job, record.name, record.message);
    result.steps.push_back(std::move(record));
  }
};

WorkflowRunner::WorkflowRunner(WorkflowRunnerOptions options) : o_(std::move(options)) {}

WorkflowRunResult WorkflowRunner::run(std::stop_token cancel) {
  Shared shared;
  {
    std::vector<std::jthread> jobs;
    for (const auto& planned : o_.plan->jobs)
      jobs.emplace_back([this, &shared, planned, cancel] {
        {
          // A job starts once every job it needs has finished (cancelled ones finish too).
          std::unique_lock lock(shared.mutex);
          shared.cv.wait(lock, [&] {
            for (const auto& n : planned.needs)
              if (!shared.done.count(n)) return false;
            return true;
          });
        }
        JobRecord record = run_job(planned, shared, cancel);
        std::lock_guard lock(shared.mutex);
        shared.done[record.id] = record;
        shared.cv.notify_all();
      });
  }  // joined
  WorkflowRunResult result = std::move(shared.result);
  bool failed = false, cancelled = cancel.stop_requested();
  for (const auto& planned : o_.plan->jobs) {
    const JobRecord& j = shared.done.at(planned.job->id);
    result.jobs.push_back(j);
    failed = failed || j.result == "failure";
    cancelled = cancelled || j.result == "cancelled";
  }
  result.conclusion = failed ? "failure" : cancelled ? "cancelled" : "success";
  return result;
}

namespace {

bool is_true(const std::string& s) { return s == "true" || s == "True" || s == "TRUE"; }

void make_host_dir(const WorkflowHost& host, const std::string& path) { fs::create_directories(host.files().resolve(path)); }

}  // namespace

JobRecord WorkflowRunner::run_job(const PlannedJob& planned, Shared& shared, std::stop_token cancel) {
  const WorkflowJob& job = *planned.job;
  const WorkflowRunPlan& plan = *o_.plan;
  JobRecord record{job.id, "success", {}};
  ExprContext context = plan.context_for(job, o_.settings);
  std::string needs_status = "success";
  {
    std::lock_guard lock(shared.mutex);
    for (const auto& n : planned.needs) {
      const JobRecord& r = shared.done.at(n);
      context.needs[n] = {r.result, r.outputs};
      if (r.result == "failure") needs_status = "failure";
      else if (r.result != "success" && needs_status == "success") needs_status = r.result;
    }
  }
  context.job_status = needs_status;
  context.cancelled = cancel.stop_requested() || needs_status == "cancelled";
  ExprContext job_if = context;
  job_if.allowed = {"github", "inputs", "vars", "needs"};
  const Where where = job.if_condition ? job.if_condition->where : job.where;
  if (cancel.stop_requested() || !evaluate_condition(job.if_condition ? job.if_condition->value : "", job_if, where)) {
    record.result = cancel.stop_requested() ? "cancelled" : "skipped";
    o_.emit("job_skipped", fmt::format("{}: {}", job.id, record.result));
    return record;
  }
  std::unique_ptr<WorkflowHost> runner = o_.hosts->new_runner ? o_.hosts->new_runner(plan.push.run_number, job.id) : nullptr;
  if (!runner) {
    shared.note_not_modelled(fmt::format("job {}: no runner host for the workflow's jobs", job.id));
    record.result = "failure";
    return record;
  }
  o_.emit("job_started", job.id);
  const std::string workspace = RunnerLayout::workspace(plan.push.repository);
  make_host_dir(*runner, workspace);
  make_host_dir(*runner, RunnerLayout::kTemp);
  std::map<std::string, std::string> base = plan.default_variables(job);
  const std::map<std::string, std::string> declared_env = context.env;  // workflow env, then the job's
  std::map<std::string, std::string> file_env;                         // GITHUB_ENV and exports so far
  std::vector<std::string> paths;                                      // GITHUB_PATH, newest first
  const core::Time deadline = o_.clock->now() + std::chrono::duration_cast<core::Duration>(
                                                std::chrono::duration<double, std::ratio<60>>(job.timeout_minutes.value_or(360)));
  RunDefaults defaults = plan.workflow->defaults;
  if (job.defaults.shell) defaults.shell = job.defaults.shell;
  if (job.defaults.working_directory) defaults.working_directory = job.defaults.working_directory;
  std::string status = "success";
  int anonymous = 0;
  for (const auto& step : job.steps) {
    StepScope scope;
    scope.context = context;
    for (const auto& [k, v] : file_env) scope.context.env[k] = v;
    scope.context.job_status = status;
    scope.context.cancelled = cancel.stop_requested();
    scope.env = base;
    for (const auto& [k, v] : declared_env) scope.env[k] = v;
    for (const auto& [k, v] : file_env) scope.env[k] = v;
    for (const auto& p : paths) scope.env["PATH"] = p + ":" + scope.env["PATH"];
    scope.defaults = defaults;
    scope.workspace = workspace;
    scope.script_id = fmt::format("r{}-{}-{}", plan.push.run_number, job.id, step.index);
    StepRecord rec{job.id, step.display_name(), "skipped", "skipped", 0, "", "", ""};
    const std::string condition = step.if_condition ? step.if_condition->value : "";
    const Where cond_at = step.if_condition ? step.if_condition->where : step.where;
    StepResult result;
    try {
      if (!evaluate_condition(condition, scope.context, cond_at)) {
        if (!step.id.empty()) context.steps[step.id] = {{}, "skipped", "skipped"};
        shared.add_step(rec);
        continue;
      }
      if (cancel.stop_requested()) {
        shared.note_not_modelled(fmt::format("the step \"{}\" at {}, which runs after its run was cancelled",
                                             rec.name, step.where.str()));
        break;
      }
      o_.emit("step_started", fmt::format("{}: {}", job.id, rec.name));
      StepAction action = evaluate_step(step, scope);
      StepRun sr;
      sr.run = plan.push.run_number;
      sr.job = job.id;
      sr.step_id = !step.id.empty() ? step.id : anonymous++ ? fmt::format("__run_{}", anonymous) : "__run";
      sr.runner = runner.get();
      sr.hosts = o_.hosts;
      sr.origin = o_.origin;
      sr.env = scope.env;
      for (const auto& [k, v] : step_env(step, scope)) sr.env[k] = v;
      sr.unique = scope.script_id;
      sr.emit = o_.emit;
      core::Duration timeout = deadline - o_.clock->now();
      if (step.timeout_minutes)
        timeout = std::min(timeout, std::chrono::duration_cast<core::Duration>(std::chrono::duration<double, std::ratio<60>>(*step.timeout_minutes)));
      sr.timeout = std::max(timeout, core::Duration(0));
      result = execute_step(action, sr, cancel);
    } catch (const core::NotModelled& e) {
      result.not_modelled = e.subject();
      result.outcome = "failure";
      result.message = e.what();
    } catch (const WorkflowError& e) {
      result.outcome = "failure";
      result.message = e.github_text();
    }
    if (!result.not_modelled.empty()) shared.note_not_modelled(result.not_modelled);
    rec.outcome = result.outcome;
    const bool continue_on_error =
        step.continue_on_error && is_true(evaluate_template(step.continue_on_error->value, scope.context, step.continue_on_error->where));
    rec.conclusion = result.outcome == "failure" && continue_on_error ? "success" : result.outcome;
    rec.exit_code = result.exit_code;
    rec.message = result.message;
    rec.out = result.out;
    rec.err = result.err;
    if (!step.id.empty()) context.steps[step.id] = {result.outputs, rec.outcome, rec.conclusion};
    for (const auto& [k, v] : result.set_env) file_env[k] = v;
    for (const auto& p : result.add_path) paths.insert(paths.begin(), p);
    if (rec.conclusion == "failure") status = "failure";
    if (rec.conclusion == "cancelled" && status == "success") status = "cancelled";
    o_.emit("step_finished", fmt::format("{}: {}: {}{}", job.id, rec.name, rec.conclusion,
                                         rec.message.empty() ? "" : " (" + rec.message + ")"));
    shared.add_step(rec);
    if (!result.not_modelled.empty()) break;
  }
  record.result = status;
  if (status == "success" && cancel.stop_requested()) record.result = "cancelled";
  for (const auto& [name, text] : job.outputs) {
    ExprContext c = context;
    for (const auto& [k, v] : file_env) c.env[k] = v;
    record.outputs[name] = evaluate_template(text.value, c, text.where);
  }
  o_.emit("job_finished", fmt::format("{}: {}", job.id, record.result));
  return record;
}

}  // namespace bg::fakes
