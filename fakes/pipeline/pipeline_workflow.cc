// Pipeline's workflow mode (pipeline.h): pushes committed to the run's GitHub repository, runs
// planned from the workflow file and carried out by WorkflowRunner, `aws` reaching the run's
// CodeDeploy service.
#include <cctype>

#include <fmt/format.h>

#include "fakes/pipeline/pipeline.h"
#include "fakes/pipeline/pipeline_run.h"

namespace bg::fakes {

namespace fs = std::filesystem;

void Pipeline::start_workflow_mode() {
  WorkflowMode& w = *options_.workflow;
  if (!w.origin) throw std::invalid_argument("workflow mode needs the run's GitHub repository (WorkflowMode::origin)");
  // Checked once before anything runs: every expression of the workflow, with a placeholder push.
  PushEvent probe = w.push;
  probe.sha = std::string(40, '0');
  plan_workflow_run(w.workflow, probe, w.settings);
  CodeDeployServiceOptions c;
  c.s3_root = options_.s3_root;
  c.work_dir = options_.work_dir.empty() ? options_.s3_root.parent_path() / "revisions" : options_.work_dir;
  c.start = w.start_deployment ? w.start_deployment : [this](const DeploymentRequest& r, std::stop_token stop) {
    return options_.create_deployment(r.number, r.bundle_dir, stop);
  };
  c.on_ended = [this] { changed_.notify_all(); };  // busy() changed: wait_idle() looks again
  codedeploy_ = std::make_unique<CodeDeployService>(clock_, c);
  aws_ = std::make_unique<AwsCli>(clock_, options_.s3_root, *codedeploy_);
}

// Under mutex_. GitHub compares group names case-insensitively; a run without a group is alone in
// an unnamed one (it starts at once).
WorkflowConcurrency& Pipeline::concurrency_for(const ConcurrencyGroup& settings) {
  std::string key = settings.group;
  for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // Simplification: a group keeps the cancel-in-progress of its first run (GitHub applies the
  // queued run's own; they differ only when the expression reads something that changes per push).
  auto it = groups_.find(key);
  if (it == groups_.end()) it = groups_.emplace(key, WorkflowConcurrency(settings)).first;
  return it->second;
}

int Pipeline::push_workflow(const std::string& sha, const PushFaults& faults) {
  if (faults.build_duration || faults.build_fails)
    throw std::invalid_argument("push faults (build_duration, build_fails) apply to the abstract pipeline only");
  std::lock_guard serial(push_mutex_);
  WorkflowMode& w = *options_.workflow;
  int number = 0;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) throw std::logic_error("push after the pipeline was shut down");
    number = next_run_++;
  }
  const std::string commit = w.origin->commit(options_.source_dir, number, fmt::format("push {}: {}", number, sha));
  PushEvent p = w.push;
  p.sha = commit;
  p.run_number = number;
  p.run_id = 7000000000 + number;
  WorkflowRunPlan plan = plan_workflow_run(w.workflow, p, w.settings);

  std::lock_guard lock(mutex_);
  auto run = std::make_unique<Run>();
  run->info.number = number;
  run->info.sha = commit;
  Run& r = *run;
  runs_[number] = std::move(run);
  emit(core::DeployEventKind::push, number, fmt::format("sha={} branch={} ({})", commit, p.branch, sha));
  if (!plan.triggered) {
    r.info.state = RunState::skipped;
    r.info.detail = plan.not_triggered_because;
    emit(core::DeployEventKind::workflow_not_triggered, number, r.info.detail);
    changed_.notify_all();
    return number;
  }
  r.concurrency = &concurrency_for(plan.concurrency);
  r.plan = std::move(plan);
  queue(r);
  return number;
}

void Pipeline::run_as_written(Run& run, std::stop_token stop) {
  WorkflowMode& w = *options_.workflow;
  const int number = run.info.number;
  WorkflowRunnerOptions o;
  o.clock = &clock_;
  o.plan = &*run.plan;
  o.settings = w.settings;
  o.hosts = &w.hosts;
  o.origin = w.origin;
  o.emit = [this, number](core::DeployEventKind kind, const std::string& detail) { emit(kind, number, detail); };
  WorkflowRunResult result = WorkflowRunner(o).run(stop);
  {
    std::lock_guard lock(mutex_);
    run.info.workflow = result;
    run.info.not_modelled = result.not_modelled;
  }
  if (!result.not_modelled.empty()) emit(core::DeployEventKind::workflow_not_modelled, number, result.not_modelled);
  if (result.conclusion == "success")
    finish(run, RunState::succeeded, core::DeployEventKind::workflow_succeeded, "");
  else if (result.conclusion == "cancelled")
    finish(run, RunState::cancelled, core::DeployEventKind::workflow_cancelled, result.detail);
  else
    finish(run, RunState::failed, core::DeployEventKind::workflow_failed, result.detail);
}

}  // namespace bg::fakes
