#include "sim/drawn_parameters.h"

#include <fmt/format.h>

#include <algorithm>

namespace bg::sim {

core::Duration DrawnParameters::listen_delay(size_t k) const {
  return listen_delays[std::min(k, listen_delays.size() - 1)];
}

core::Duration DrawnParameters::prepare_delay(size_t k) const {
  return prepare_delays[std::min(k, prepare_delays.size() - 1)];
}

core::Duration DrawnParameters::swap_interval(int n) const { return swap_intervals.at(static_cast<size_t>(n - 1)); }

const std::vector<core::Duration>& DrawnParameters::push_times(int n) const {
  return pushes[std::min(static_cast<size_t>(std::max(n, 1) - 1), pushes.size() - 1)];
}

DrawnParameters draw_parameters(const scenarios::Scenario& scenario, const core::Rng& run, double time_scale) {
  DrawnParameters d;
  core::Rng app = run.child("app");
  const size_t n = static_cast<size_t>(scenario.run.swaps) * 2 + 4;
  for (size_t i = 0; i < n; ++i) {
    d.listen_delays.push_back(scenario.app.listen_delay.draw(app));
    d.prepare_delays.push_back(scenario.app.prepare_delay.draw(app));
  }
  core::Rng swaps = run.child("run.swap_interval");
  for (int swap = 1; swap <= scenario.run.swaps; ++swap)
    d.swap_intervals.push_back(scenario.run.swap_interval.draw(swaps));
  // A fixed push never draws, so a scenario without ranges draws nothing here.
  core::Rng pushes = run.child("pipeline.pushes");
  for (int swap = 1; swap <= std::max(scenario.run.swaps, 1); ++swap) {
    std::vector<core::Duration> times;
    for (const auto& at : scenario.pipeline.pushes) times.push_back(at.draw(pushes));
    d.pushes.push_back(std::move(times));
  }
  d.shown["seed"] = std::to_string(run.seed());
  d.shown["time_scale"] = fmt::format("{}", time_scale);
  // The containers a run without retries starts: the initial deployment's and one per swap.
  for (size_t i = 0; i < static_cast<size_t>(scenario.run.swaps) + 1; ++i) {
    d.shown[fmt::format("app.listen_delay[{}]", i)] = core::format_seconds(d.listen_delays[i]);
    if (!scenario.app.prepare_delay.fixed() || scenario.app.prepare_delay.min.count())
      d.shown[fmt::format("app.prepare_delay[{}]", i)] = core::format_seconds(d.prepare_delays[i]);
  }
  // Only a range: the parameters of a scenario that gives none stay as they were.
  if (!scenario.run.swap_interval.fixed())
    for (size_t i = 0; i < d.swap_intervals.size(); ++i)
      d.shown[fmt::format("run.swap_interval[{}]", i + 1)] = core::format_seconds(d.swap_intervals[i]);
  for (size_t swap = 0; swap < d.pushes.size(); ++swap)
    for (size_t i = 0; i < d.pushes[swap].size(); ++i)
      if (!scenario.pipeline.pushes[i].fixed())
        d.shown[fmt::format("pipeline.pushes[{}][{}]", swap + 1, i + 1)] = core::format_seconds(d.pushes[swap][i]);
  return d;
}

}  // namespace bg::sim
