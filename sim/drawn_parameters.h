#pragma once
// What a run draws from its seed before anything runs, so that it can print them first and a replay
// with the same seed starts the same containers as slowly and swaps at the same moments: each
// container's listen and prepare delays (scenario.yaml app.listen_delay and app.prepare_delay,
// ranges drawn per container in start order), the traffic before each swap's push
// (run.swap_interval, drawn per swap), when each push of a swap comes (pipeline.pushes, drawn per
// swap) and, by name, everything a report shows of them. What is drawn
// as it happens (a build's duration) is its component's to draw.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/time.h"
#include "scenarios/scenario.h"

namespace bg::sim {

struct DrawnParameters {
  // Per container in start order: enough for the initial deployment, every swap and a retry or two.
  std::vector<core::Duration> listen_delays;
  std::vector<core::Duration> prepare_delays;
  // Per swap, from the first: the traffic before its push.
  std::vector<core::Duration> swap_intervals;
  // Per swap, from the first (at least one): when each of its pushes comes, from the swap's start
  // (pipeline.pushes).
  std::vector<std::vector<core::Duration>> pushes;
  // Every parameter by name as the run prints it: seed, time_scale, app.listen_delay[i], ...
  std::map<std::string, std::string> shown;

  // The delays of the `k`th container started; past the drawn ones, the last drawn.
  core::Duration listen_delay(size_t k) const;
  core::Duration prepare_delay(size_t k) const;
  // The traffic before swap `n` (1-based) is pushed.
  core::Duration swap_interval(int n) const;
  // When swap `n`'s (1-based) pushes come, from its start; past the drawn swaps, the last drawn.
  const std::vector<core::Duration>& push_times(int n) const;
};

// Draws the delays from `run`'s child stream "app", the swap intervals from "run.swap_interval" and
// the push times from "pipeline.pushes": another component's draws never shift these, nor these
// another's.
DrawnParameters draw_parameters(const scenarios::Scenario& scenario, const core::Rng& run, double time_scale);

}  // namespace bg::sim
