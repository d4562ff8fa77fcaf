#include "explore/scenario_overrides.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <map>

#include "scenarios/scenario_loader.h"

namespace bg::explore {
namespace {

using scenarios::ScenarioError;
using Setter = std::function<void(scenarios::Scenario&, const std::string&)>;

[[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& expected) {
  throw ScenarioError(fmt::format("--set {}={}: '{}' must be {}", key, value, key, expected));
}

core::Duration duration(const std::string& key, const std::string& v) {
  auto d = core::parse_duration(v);
  if (!d) bad(key, v, "a duration like 10s, 500ms or 1m30s");
  return *d;
}

// "3s" or "1s..2s" (the file's {min, max}).
scenarios::DurationRange range(const std::string& key, const std::string& v) {
  const auto dots = v.find("..");
  if (dots == std::string::npos) {
    auto d = duration(key, v);
    return {d, d};
  }
  scenarios::DurationRange r{duration(key, v.substr(0, dots)), duration(key, v.substr(dots + 2))};
  if (r.max < r.min) bad(key, v, "a range min..max with max not below min");
  return r;
}

double number(const std::string& key, const std::string& v, double lo, double hi) {
  try {
    size_t used = 0;
    const double x = std::stod(v, &used);
    if (used == v.size() && x >= lo && x <= hi) return x;
  } catch (const std::exception&) {
  }
  bad(key, v, fmt::format("a number in [{}, {}]", lo, hi));
}

int whole(const std::string& key, const std::string& v, int lo, int hi) {
  const double x = number(key, v, lo, hi);
  if (x != static_cast<double>(static_cast<int>(x))) bad(key, v, "a whole number");
  return static_cast<int>(x);
}

bool boolean(const std::string& key, const std::string& v) {
  if (v == "true") return true;
  if (v == "false") return false;
  bad(key, v, "true or false");
}

// The settings a case may change: everything of scenario.yaml but the files and the expectation
// (seed and time_scale have their own flags).
const std::map<std::string, Setter>& setters() {
  using S = scenarios::Scenario;
  using V = const std::string&;
  static const std::map<std::string, Setter> table{
      {"app.next_version", [](S& s, V v) { s.app.next_version = v; }},
      {"app.sigterm", [](S& s, V v) {
         if (v != "exit_immediately" && v != "graceful" && v != "ignore")
           bad("app.sigterm", v, "exit_immediately, graceful or ignore");
         s.app.sigterm = v;
       }},
      {"app.listen_delay", [](S& s, V v) { s.app.listen_delay = range("app.listen_delay", v); }},
      {"app.prepare_delay", [](S& s, V v) { s.app.prepare_delay = range("app.prepare_delay", v); }},
      {"app.api_latency", [](S& s, V v) { s.app.api_latency = range("app.api_latency", v); }},
      {"docker.build_duration", [](S& s, V v) { s.docker.build_duration = duration("docker.build_duration", v); }},
      {"docker.teardown_delay", [](S& s, V v) { s.docker.teardown_delay = duration("docker.teardown_delay", v); }},
      {"docker.userland_proxy", [](S& s, V v) { s.docker.userland_proxy = boolean("docker.userland_proxy", v); }},
      {"docker.compose", [](S& s, V v) { s.docker.compose = v; }},
      {"traffic.rate", [](S& s, V v) { s.traffic.rate = number("traffic.rate", v, 0.001, 1e6); }},
      {"traffic.clients", [](S& s, V v) { s.traffic.clients = whole("traffic.clients", v, 1, 1000); }},
      {"traffic.post_ratio", [](S& s, V v) { s.traffic.post_ratio = number("traffic.post_ratio", v, 0, 1); }},
      {"traffic.timeout", [](S& s, V v) { s.traffic.timeout = duration("traffic.timeout", v); }},
      {"run.swaps", [](S& s, V v) { s.run.swaps = whole("run.swaps", v, 0, 100); }},
      {"run.warmup", [](S& s, V v) { s.run.warmup = duration("run.warmup", v); }},
      {"run.swap_interval", [](S& s, V v) { s.run.swap_interval = duration("run.swap_interval", v); }},
      {"run.liveness", [](S& s, V v) { s.run.liveness = duration("run.liveness", v); }},
      {"run.deadline", [](S& s, V v) { s.run.deadline = duration("run.deadline", v); }},
  };
  return table;
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
  const auto& table = setters();
  auto it = table.find(o.key);
  if (it == table.end())
    throw ScenarioError(fmt::format("--set {}: unknown key '{}' (expected one of: {})", to_string(o), o.key,
                                    fmt::join(override_keys(), ", ")));
  it->second(scenario, o.value);
}

void apply_overrides(scenarios::Scenario& scenario, const std::vector<std::string>& texts) {
  for (const auto& t : texts) apply_override(scenario, parse_override(t));
}

std::vector<std::string> override_keys() {
  std::vector<std::string> keys;
  for (const auto& [k, _] : setters()) keys.push_back(k);
  return keys;
}

}  // namespace bg::explore
