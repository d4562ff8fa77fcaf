#pragma once
// Preflight: before a run starts, the files of the deployment that the run would read later — on
// its staged copy in /tmp, or only mid-run when a script calls `docker build` — are read from the
// user's own folder, so that a problem is said at once with the user's file, line and field:
// appspec.yml and the scripts and sources it names, the compose files, the Dockerfiles, and the
// invariant scenario.yaml expects. A run that passes it meets none of these errors later.
#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/scenario.h"

namespace bg::cli {

// Throws scenarios::ScenarioError with "<file>:<line>:<column>: <field>: <problem>".
void preflight(const scenarios::Scenario& s);

// What every command that runs a scenario does first: load `dir`'s scenario.yaml, lay the `--set`
// overrides over it and preflight its files. Throws scenarios::ScenarioError.
scenarios::Scenario prepare_scenario(const std::filesystem::path& dir, const std::vector<std::string>& overrides = {});

}  // namespace bg::cli
