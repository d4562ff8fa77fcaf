#include "explore/scenario_overrides.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "scenarios/scenario_loader.h"
#include "scenarios/setting_table.h"

namespace bg::explore {
namespace {

using scenarios::ScenarioError;

// Settings a case may not change: the ones with their own option (a replay line names them there),
// the deployment's files (a case runs the same deployment) and the expectation (what a run is
// judged against is the folder's).
const std::map<std::string, std::string, std::less<>>& not_overridable() {
  static const std::map<std::string, std::string, std::less<>> keys{
      {"seed", "it has its own option: --seed"},
      {"time_scale", "it has its own option: --time-scale"},
      {"proxy.engine", "it has its own option: --proxy"},
      {"name", "a case keeps its scenario's name"},
      {"description", "a case keeps its scenario's description"},
      {"appspec", "a case runs the folder's own files"},
      {"proxy.config", "a case runs the folder's own files"},
      {"expect.verdict", "a case is judged against the folder's own expectation"},
      {"expect.invariant", "a case is judged against the folder's own expectation"},
      {"expect.cause", "a case is judged against the folder's own expectation"},
  };
  return keys;
}

}  // namespace

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError(fmt::format("--set {}: expected key=value, e.g. app.listen_delay=11s", text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string to_string(const Override& o) { return o.key + "=" + o.value; }

void apply_override(scenarios::Scenario& scenario, const Override& o) {
  if (auto denied = not_overridable().find(o.key); denied != not_overridable().end())
    throw ScenarioError(fmt::format("--set {}: {} cannot be set here: {}", to_string(o), o.key, denied->second));
  if (!scenarios::is_setting(o.key))
    throw ScenarioError(fmt::format("--set {}: unknown key '{}' (expected one of: {})", to_string(o), o.key,
                                    fmt::join(override_keys(), ", ")));
  try {
    scenarios::set_setting(scenario, o.key, o.value);
  } catch (const scenarios::SettingError& e) {
    throw ScenarioError(fmt::format("--set {}: {}", to_string(o), e.what()));
  }
}

void apply_overrides(scenarios::Scenario& scenario, const std::vector<std::string>& texts) {
  for (const auto& t : texts) apply_override(scenario, parse_override(t));
  // Shares that only together exceed every request are the combination's fault, named after all.
  if (auto problem = scenarios::inconsistency(scenario); !problem.empty())
    throw ScenarioError(fmt::format("--set: {}", problem));
}

std::vector<std::string> override_keys() {
  std::vector<std::string> keys;
  for (const auto& k : scenarios::all_setting_keys())
    if (!not_overridable().count(k)) keys.push_back(k);
  return keys;
}

}  // namespace bg::explore
