#pragma once
// ScenarioOverrides: `key=value` settings laid over a loaded scenario.yaml — what `--set` gives run,
// replay and verify, and what `bluegreen check` drew — so that one command line names exactly the
// case that ran. Keys are scenario.yaml's own (`app.listen_delay`, `traffic.post_ratio`, ...), values
// in the same form the file takes (`11s`, `0.5`, `1s..2s` for a range).
#include <string>
#include <vector>

#include "scenarios/scenario.h"

namespace bg::explore {

struct Override {
  std::string key;
  std::string value;
};

// "app.listen_delay=11s" -> {key, value}. Throws scenarios::ScenarioError when there is no '='.
Override parse_override(const std::string& text);
std::string to_string(const Override& o);

// Sets one setting. Throws scenarios::ScenarioError naming the key and the form expected, or the
// keys known when the key is not one of them.
void apply_override(scenarios::Scenario& scenario, const Override& o);
// parse_override + apply_override for each, in order (a later one wins).
void apply_overrides(scenarios::Scenario& scenario, const std::vector<std::string>& texts);

// Every key apply_override knows, sorted.
std::vector<std::string> override_keys();

}  // namespace bg::explore
