#include "fakes/pipeline/workflow_runner.h"

#include <fstream>
#include <mutex>
#include <thread>
#include <algorithm>

#include <fmt/format.h>

#include "core/actor_thread.h"
#include "core/not_modelled.h"
#include "core/scenario_condition.h"

namespace bg::fakes {

namespace fs = std::filesystem;

struct WorkflowRunner::Shared {
  explicit Shared(core::Clock& clock) : changed(clock) {}
  std::mutex mutex;
  core::ScenarioCondition changed;  // a job finished
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
  Shared shared(*o_.clock);
  {
    // Each job is an actor of the clock; this thread waits for them all on the clock, not in a
    // join, so on a virtual clock it does not hold time still while they sleep.
    std::vector<std::jthread> jobs;
    for (const auto& planned : o_.plan->jobs)
      jobs.push_back(core::start_actor(*o_.clock, core::order_key("job " + planned.job->id),
                                       [this, &shared, planned, cancel](std::stop_token) {
                                         {
                                           // A job starts once every job it needs has finished (cancelled ones finish
                                           // too).
                                           std::unique_lock lock(shared.mutex);
                                           shared.changed.wait(lock, {}, [&] {
                                             for (const auto& n : planned.needs)
                                               if (!shared.done.count(n)) return false;
                                             return true;
                                           });
                                         }
                                         JobRecord record = run_job(planned, shared, cancel);
                                         {
                                           std::lock_guard lock(shared.mutex);
                                           shared.done[record.id] = record;
                                         }
                                         shared.changed.notify_all();
                                       }));
    std::unique_lock lock(shared.mutex);
    shared.changed.wait(lock, {}, [&] { return shared.done.size() == o_.plan->jobs.size(); });
  }  // joined: each has recorded its job and is returning
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

void make_host_dir(const WorkflowHost& host, const std::string& path) {
  fs::create_directories(host.files().resolve(path));
}

core::Duration minutes(double m) {
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double, std::ratio<60>>(m));
}

}  // namespace

// One job's state between its steps.
struct WorkflowRunner::Job {
  const WorkflowJob* job = nullptr;
  ExprContext context;  // needs, steps so far
  std::unique_ptr<WorkflowHost> runner;
  std::map<std::string, std::string> base;      // the runner's default variables
  std::map<std::string, std::string> declared;  // workflow env, then the job's
  std::map<std::string, std::string> file_env;  // GITHUB_ENV and exports so far
  std::vector<std::string> paths;               // GITHUB_PATH, newest first
  RunDefaults defaults;
  core::Time deadline{};
  std::string workspace;
  std::string status = "success";
  int anonymous = 0;  // steps without an id (GITHUB_ACTION __run, __run_2...)
};

// The job's needs, `if:` and runner; false (with `record` set) when it does not run.
bool WorkflowRunner::start_job(const PlannedJob& planned, Shared& shared, std::stop_token cancel, Job& j,
                               JobRecord& record) {
  const WorkflowJob& job = *planned.job;
  const WorkflowRunPlan& plan = *o_.plan;
  j.job = &job;
  j.context = plan.context_for(job, o_.settings);
  std::string needs_status = "success";
  {
    std::lock_guard lock(shared.mutex);
    for (const auto& n : planned.needs) {
      const JobRecord& r = shared.done.at(n);
      j.context.needs[n] = {r.result, r.outputs};
      if (r.result == "failure")
        needs_status = "failure";
      else if (r.result != "success" && needs_status == "success")
        needs_status = r.result;
    }
  }
  ExprContext job_if = j.context;
  job_if.allowed = {"github", "inputs", "vars", "needs"};
  job_if.job_status = needs_status;
  job_if.cancelled = cancel.stop_requested() || needs_status == "cancelled";
  const Where where = job.if_condition ? job.if_condition->where : job.where;
  if (cancel.stop_requested() || !evaluate_condition(job.if_condition ? job.if_condition->value : "", job_if, where)) {
    record.result = cancel.stop_requested() ? "cancelled" : "skipped";
    o_.emit(core::DeployEventKind::job_skipped, fmt::format("{}: {}", job.id, record.result));
    return false;
  }
  j.runner = o_.hosts->new_runner ? o_.hosts->new_runner(plan.push.run_number, job.id) : nullptr;
  if (!j.runner) {
    shared.note_not_modelled(fmt::format("job {}: no runner host for the workflow's jobs", job.id));
    record.result = "failure";
    return false;
  }
  o_.emit(core::DeployEventKind::job_started, job.id);
  j.workspace = RunnerLayout::workspace(plan.push.repository);
  make_host_dir(*j.runner, j.workspace);
  make_host_dir(*j.runner, RunnerLayout::kTemp);
  j.base = plan.default_variables(job);
  j.declared = j.context.env;
  j.deadline = o_.clock->now() + minutes(job.timeout_minutes.value_or(360));
  j.defaults = plan.workflow->defaults;
  if (job.defaults.shell) j.defaults.shell = job.defaults.shell;
  if (job.defaults.working_directory) j.defaults.working_directory = job.defaults.working_directory;
  return true;
}

JobRecord WorkflowRunner::run_job(const PlannedJob& planned, Shared& shared, std::stop_token cancel) {
  const WorkflowJob& job = *planned.job;
  JobRecord record{job.id, "success", {}};
  Job j;
  if (!start_job(planned, shared, cancel, j, record)) return record;
  for (const auto& step : job.steps)
    if (!run_step(step, j, shared, cancel)) break;
  record.result = j.status;
  if (j.status == "success" && cancel.stop_requested()) record.result = "cancelled";
  for (const auto& [name, text] : job.outputs) {
    ExprContext c = j.context;
    for (const auto& [k, v] : j.file_env) c.env[k] = v;
    record.outputs[name] = evaluate_template(text.value, c, text.where);
  }
  o_.emit(core::DeployEventKind::job_finished, fmt::format("{}: {}", job.id, record.result));
  return record;
}

StepScope WorkflowRunner::scope_for(const WorkflowStep& step, const Job& j, std::stop_token cancel) const {
  StepScope scope;
  scope.context = j.context;
  for (const auto& [k, v] : j.file_env) scope.context.env[k] = v;
  scope.context.job_status = j.status;
  scope.context.cancelled = cancel.stop_requested();
  scope.env = j.base;
  for (const auto& [k, v] : j.declared) scope.env[k] = v;
  for (const auto& [k, v] : j.file_env) scope.env[k] = v;
  for (const auto& p : j.paths) scope.env["PATH"] = p + ":" + scope.env["PATH"];
  scope.defaults = j.defaults;
  scope.workspace = j.workspace;
  scope.script_id = fmt::format("r{}-{}-{}", o_.plan->push.run_number, j.job->id, step.index);
  return scope;
}

// Runs one step (or skips it); false when the job must stop here (something not modelled).
bool WorkflowRunner::run_step(const WorkflowStep& step, Job& j, Shared& shared, std::stop_token cancel) {
  const StepScope scope = scope_for(step, j, cancel);
  StepRecord rec{j.job->id, step.display_name(), "skipped", "skipped", 0, "", "", ""};
  StepResult result;
  try {
    const Where at = step.if_condition ? step.if_condition->where : step.where;
    if (!evaluate_condition(step.if_condition ? step.if_condition->value : "", scope.context, at)) {
      if (!step.id.empty()) j.context.steps[step.id] = {{}, "skipped", "skipped"};
      shared.add_step(rec);
      return true;
    }
    if (cancel.stop_requested()) {
      shared.note_not_modelled(
          fmt::format("the step \"{}\" at {}, which runs after its run was cancelled", rec.name, step.where.str()));
      return false;
    }
    o_.emit(core::DeployEventKind::step_started, fmt::format("{}: {}", j.job->id, rec.name));
    StepAction action = evaluate_step(step, scope);
    StepRun sr;
    sr.run = o_.plan->push.run_number;
    sr.job = j.job->id;
    sr.step_id = !step.id.empty() ? step.id : j.anonymous++ ? fmt::format("__run_{}", j.anonymous) : "__run";
    sr.runner = j.runner.get();
    sr.hosts = o_.hosts;
    sr.origin = o_.origin;
    sr.env = scope.env;
    for (const auto& [k, v] : step_env(step, scope)) sr.env[k] = v;
    sr.unique = scope.script_id;
    sr.emit = o_.emit;
    core::Duration timeout = j.deadline - o_.clock->now();
    if (step.timeout_minutes) timeout = std::min(timeout, minutes(*step.timeout_minutes));
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
  const bool continue_on_error =
      step.continue_on_error &&
      is_true(evaluate_template(step.continue_on_error->value, scope.context, step.continue_on_error->where));
  rec.outcome = result.outcome;
  rec.conclusion = result.outcome == "failure" && continue_on_error ? "success" : result.outcome;
  rec.exit_code = result.exit_code;
  rec.message = result.message;
  rec.out = result.out;
  rec.err = result.err;
  if (!step.id.empty()) j.context.steps[step.id] = {result.outputs, rec.outcome, rec.conclusion};
  for (const auto& [k, v] : result.set_env) j.file_env[k] = v;
  for (const auto& p : result.add_path) j.paths.insert(j.paths.begin(), p);
  if (rec.conclusion == "failure") j.status = "failure";
  if (rec.conclusion == "cancelled" && j.status == "success") j.status = "cancelled";
  o_.emit(core::DeployEventKind::step_finished, fmt::format("{}: {}: {}{}", j.job->id, rec.name, rec.conclusion,
                                                            rec.message.empty() ? "" : " (" + rec.message + ")"));
  shared.add_step(rec);
  return result.not_modelled.empty();
}

}  // namespace bg::fakes
