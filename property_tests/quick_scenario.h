#pragma once
// Loads a catalogue scenario and shortens its scenario time, so property tests can afford many runs:
// what a property varies stays as the generator drew it, everything else gets small and fast.
#include <string>

#include "scenarios/scenario_loader.h"

namespace bg::property_tests {

inline scenarios::Scenario quick_scenario(const std::string& name, core::Duration listen_delay, int swaps) {
  using namespace std::chrono_literals;
  auto s = scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/" + name);
  s.time_scale = 0.05;
  s.app.listen_delay = {listen_delay, listen_delay};
  s.docker.build_duration = 2s;
  s.run.swaps = swaps;
  s.run.warmup = listen_delay + 3s;  // the initial color serves before traffic starts
  s.run.swap_interval = 3s;
  s.run.liveness = 5s;
  s.traffic.rate = 20;  // still 20 requests in a 1 s outage
  return s;
}

}  // namespace bg::property_tests
