#pragma once
// The engine every property test runs its cases on: sim (the deterministic engine) unless the test
// binary was started with --engine=live (property_main.cc). On sim a case is an exact replay, so a
// failing case fails again when RapidCheck reruns it and its edges are exact; the live subset that
// make test keeps (property_tests/CMakeLists.txt) checks the same properties against the kernel.
#include "sim/engine.h"

namespace bg::property_tests {

inline sim::Engine& property_engine() {
  static sim::Engine engine = sim::Engine::sim;
  return engine;
}

inline bool on_sim() { return property_engine() == sim::Engine::sim; }

}  // namespace bg::property_tests
