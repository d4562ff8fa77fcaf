#pragma once
// Pipeline::Run, shared by pipeline.cc (both modes) and pipeline_workflow.cc (workflow mode).
#include "fakes/pipeline/pipeline.h"

namespace bg::fakes {

struct Pipeline::Run {
  WorkflowRun info;
  PushFaults faults;
  core::Duration build_duration{};             // abstract mode: its build step, fixed at its push
  bool build_drawn = false;                    // ... drawn from options' build_duration range
  WorkflowConcurrency* concurrency = nullptr;  // the run's group (abstract mode: the one group)
  std::optional<WorkflowRunPlan> plan;         // workflow mode
  bool may_start = false;                      // the concurrency core said start
  bool deployment_started = false;             // CodeDeploy accepted it (agent event)
  bool deployment_done = false;                // CreateDeployment returned (refused or ended)
  std::stop_source cancel;                     // the workflow run's cancellation (and shutdown)
  std::jthread thread;
};

}  // namespace bg::fakes
