#include "fakes/pipeline/pipeline.h"
#include "fakes/pipeline/pipeline_run.h"

#include <fmt/format.h>

#include "core/actor_thread.h"

namespace bg::fakes {

namespace fs = std::filesystem;

const char* to_string(RunState state) {
  switch (state) {
    case RunState::queued:
      return "queued";
    case RunState::pending:
      return "pending";
    case RunState::running:
      return "running";
    case RunState::succeeded:
      return "succeeded";
    case RunState::failed:
      return "failed";
    case RunState::cancelled:
      return "cancelled";
    case RunState::skipped:
      return "skipped";
  }
  return "unknown";
}

namespace {
bool ended(RunState s) {
  return s == RunState::succeeded || s == RunState::failed || s == RunState::cancelled || s == RunState::skipped;
}
}  // namespace

Pipeline::Pipeline(core::Clock& clock, core::History& history, core::Rng rng, PipelineOptions options)
    : clock_(clock),
      history_(history),
      build_rng_(std::move(rng)),
      options_(std::move(options)),
      changed_(clock),
      concurrency_(options_.concurrency) {
  next_run_ = options_.first_run;
  if (options_.workflow) start_workflow_mode();
}

Pipeline::~Pipeline() { shutdown(); }

void Pipeline::emit(core::DeployEventKind kind, int run, const std::string& detail) {
  history_.append(core::DeployEvent{clock_.now(), kind, run, "", "", 0, detail});
}

// Ended runs kept for runs(): enough for any swap's pushes; a long run would otherwise keep every
// deployment's script output.
constexpr size_t kKeptEndedRuns = 64;

void Pipeline::join_ended_threads() {
  std::vector<std::jthread> ended;
  {
    std::lock_guard lock(mutex_);
    for (int n : ended_deployments_)
      if (auto node = deployments_.extract(n)) ended.push_back(std::move(node.mapped()));
    for (int n : ended_runs_)
      if (auto it = runs_.find(n); it != runs_.end()) ended.push_back(std::move(it->second->thread));
    ended_deployments_.clear();
    ended_runs_.clear();
  }
  for (auto& t : ended)
    if (t.joinable()) t.join();  // each has returned or is returning
  // Forget the oldest ended runs whose threads are all joined (none can touch them any more).
  std::lock_guard lock(mutex_);
  std::vector<int> done;
  for (const auto& [n, run] : runs_)
    if (bg::fakes::ended(run->info.state) && !run->thread.joinable() && !deployments_.count(n)) done.push_back(n);
  for (size_t i = 0; i + kKeptEndedRuns < done.size(); ++i) runs_.erase(done[i]);
}

int Pipeline::push(const std::string& sha, PushFaults faults) {
  join_ended_threads();
  if (options_.workflow) return push_workflow(sha, faults);
  // The bundle is a snapshot at push time: later edits of the source folder are another commit.
  fs::path bundle = options_.s3_root / options_.repo / (sha + ".zip");
  fs::remove_all(bundle);
  fs::create_directories(bundle);
  fs::copy(options_.source_dir, bundle, fs::copy_options::recursive | fs::copy_options::overwrite_existing);

  std::lock_guard lock(mutex_);
  if (shut_down_) throw std::logic_error("push after the pipeline was shut down");
  int number = next_run_++;
  auto run = std::make_unique<Run>();
  run->info.number = number;
  run->info.sha = sha;
  run->info.bundle = bundle;
  run->faults = faults;
  // Drawn here, in push order, so that a seed gives each run the same build on either engine (the
  // runs' own threads may start in another order).
  run->build_drawn = !faults.build_duration && !options_.build_duration.fixed();
  run->build_duration = faults.build_duration ? *faults.build_duration : options_.build_duration.draw(build_rng_);
  run->concurrency = &concurrency_;
  Run& r = *run;
  runs_[number] = std::move(run);
  emit(core::DeployEventKind::push, number, fmt::format("sha={} bundle=s3://{}/{}.zip", sha, options_.repo, sha));
  queue(r);
  return number;
}

// Under mutex_: the run is queued in its concurrency group and its thread started.
void Pipeline::queue(Run& r) {
  const int number = r.info.number;
  WorkflowConcurrency& c = *r.concurrency;
  emit(core::DeployEventKind::workflow_queued, number, c.group().empty() ? "" : "group=" + c.group());
  ConcurrencyDecision decision = c.queued(number);
  if (c.pending() == number) {
    r.info.state = RunState::pending;
    emit(core::DeployEventKind::workflow_pending, number,
         fmt::format("group {} has run {} in progress", c.group(), c.running().value_or(0)));
  }
  apply(decision, c);
  r.thread =
      core::start_actor(clock_, core::order_key(fmt::format("workflow run {}", number)), [this, &r](std::stop_token) {
        run_workflow(r, r.cancel.get_token());
        std::lock_guard lock(mutex_);
        ended_runs_.push_back(r.info.number);
      });
}

// Under mutex_.
void Pipeline::apply(const ConcurrencyDecision& decision, const WorkflowConcurrency& group) {
  for (int id : decision.cancel) {
    Run& run = *runs_.at(id);
    if (ended(run.info.state)) continue;
    run.info.state = RunState::cancelled;
    run.info.detail = fmt::format("cancelled by run {} in concurrency group {}", next_run_ - 1, group.group());
    emit(core::DeployEventKind::workflow_cancelled, id, run.info.detail);
    run.cancel.request_stop();
  }
  for (int id : decision.start) runs_.at(id)->may_start = true;
  changed_.notify_all();
}

void Pipeline::run_workflow(Run& run, std::stop_token stop) {
  const core::Duration build = run.build_duration;
  {
    std::unique_lock lock(mutex_);
    // Cancelled while pending (or before this thread ran: wait() then still returns true).
    if (!changed_.wait(lock, stop, [&] { return run.may_start; }) || ended(run.info.state)) return;
    run.info.state = RunState::running;
    emit(core::DeployEventKind::workflow_started, run.info.number,
         run.plan ? "sha=" + run.info.sha
                  : fmt::format("sha={} {}", run.info.sha,
                                run.build_drawn ? core::drawn_note("build", build, options_.build_duration)
                                                : "build " + core::format_seconds(build)));
  }
  if (run.plan) {
    run_as_written(run, stop);
    return;
  }
  if (!clock_.sleep_for(build, stop)) return;  // cancelled (or shut down) during the build
  if (run.faults.build_fails) {
    finish(run, RunState::failed, core::DeployEventKind::workflow_failed,
           "build step failed: Process completed with exit code 1.");
    return;
  }
  emit(core::DeployEventKind::build_finished, run.info.number, run.info.sha);
  deploy_step(run, stop);
}

void Pipeline::deploy_step(Run& run, std::stop_token stop) {
  const int number = run.info.number;
  {
    std::lock_guard lock(mutex_);
    if (stop.stop_requested() || shut_down_) return;
    ++busy_deployments_;
    // The deployment gets the pipeline's stop token, not the run's: cancelling a workflow run does
    // not stop a deployment CodeDeploy has already created.
    deployments_[number] = core::start_actor(
        clock_, core::order_key(fmt::format("deployment {}", number)),
        [this, &run, number, bundle = run.info.bundle, token = service_stop_.get_token()](std::stop_token) {
          DeploymentResult result = options_.create_deployment(number, bundle, token);
          std::lock_guard lock(mutex_);
          run.info.deployment = result;
          run.deployment_done = true;
          --busy_deployments_;
          ended_deployments_.push_back(number);
          changed_.notify_all();
        });
  }
  // First: created (the agent's deployment_started) or refused (CreateDeployment returned).
  std::unique_lock lock(mutex_);
  if (!changed_.wait(lock, stop, [&] { return run.deployment_done || run.deployment_started; })) return;
  if (run.deployment_done && run.info.deployment->refused) {
    // §4 "Concurrency": not queued; the run fails and this deploy is lost (R12).
    std::string error = run.info.deployment->error;
    emit(core::DeployEventKind::deployment_refused, number, error);
    lock.unlock();
    finish(run, RunState::failed, core::DeployEventKind::workflow_failed, "CreateDeployment: " + error);
    return;
  }
  emit(core::DeployEventKind::deployment_created, number, CodeDeployAgent::deployment_id_for(number));
  if (!options_.wait_for_deployment) {
    lock.unlock();
    finish(run, RunState::succeeded, core::DeployEventKind::workflow_succeeded,
           CodeDeployAgent::deployment_id_for(number));
    return;
  }
  // `aws deploy wait deployment-successful`: the step ends with the deployment.
  if (!changed_.wait(lock, stop, [&] { return run.deployment_done; })) return;
  DeploymentResult d = *run.info.deployment;
  lock.unlock();
  if (d.succeeded)
    finish(run, RunState::succeeded, core::DeployEventKind::workflow_succeeded, d.deployment_id);
  else
    finish(run, RunState::failed, core::DeployEventKind::workflow_failed,
           fmt::format("deployment {} failed: {}", d.deployment_id, d.error));
}

void Pipeline::finish(Run& run, RunState state, core::DeployEventKind kind, const std::string& detail) {
  std::lock_guard lock(mutex_);
  if (ended(run.info.state)) return;
  run.info.state = state;
  run.info.detail = detail;
  emit(kind, run.info.number, detail);
  apply(run.concurrency->finished(run.info.number), *run.concurrency);
}

void Pipeline::on_codedeploy_event(const core::DeployEvent& event) {
  if (codedeploy_) codedeploy_->on_agent_event(event);
  if (event.kind != core::DeployEventKind::deployment_started) return;
  std::lock_guard lock(mutex_);
  auto it = runs_.find(event.deployment);
  if (it == runs_.end()) return;
  it->second->deployment_started = true;
  changed_.notify_all();
}

bool Pipeline::wait_idle(core::Duration span, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, span, stop, [&] {
    if (busy_deployments_ > 0 || (codedeploy_ && codedeploy_->busy())) return false;
    for (const auto& [n, run] : runs_)
      if (!ended(run->info.state)) return false;
    return true;
  });
}

std::vector<WorkflowRun> Pipeline::runs() const {
  std::lock_guard lock(mutex_);
  std::vector<WorkflowRun> out;
  for (const auto& [n, run] : runs_) {
    out.push_back(run->info);
    // Workflow mode: the deployment its `aws deploy create-deployment` created, once it ended.
    if (codedeploy_ && !out.back().deployment) out.back().deployment = codedeploy_->result_of(n);
  }
  return out;
}

void Pipeline::shutdown() {
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    service_stop_.request_stop();
    for (auto& [n, run] : runs_) {
      run->cancel.request_stop();
      threads.push_back(std::move(run->thread));
    }
    for (auto& [n, t] : deployments_) threads.push_back(std::move(t));
    deployments_.clear();
    changed_.notify_all();
  }
  // Deployments created through the aws CLI end (Stopped) so that a waiting `aws deploy wait` returns.
  if (codedeploy_) codedeploy_->shutdown();
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

}  // namespace bg::fakes
