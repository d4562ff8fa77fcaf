#pragma once
// Reads scenario.yaml from a deployment folder into a Scenario. Strict: an unknown key or a value of
// the wrong form is an error naming file, line and what was expected (the CLI exits 2 with it).
#include <filesystem>
#include <stdexcept>

#include "scenarios/scenario.h"

namespace bg::scenarios {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `dir` is the scenario folder; its scenario.yaml is read. Throws ScenarioError.
Scenario load_scenario(const std::filesystem::path& dir);

}  // namespace bg::scenarios
