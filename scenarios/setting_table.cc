#include "scenarios/setting_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>

namespace bg::scenarios {
namespace {

using namespace std::chrono_literals;
using Setter = std::function<void(Scenario&, std::string_view text)>;

// Why each bound is where it is. A bound is what a run can do on one machine, not a taste: past it a
// run hangs, takes the machine's memory or file descriptors, or means nothing.
// Phases, delays and builds: an hour of scenario time is longer than any deployment step the
// scenarios model; more only makes a run that never ends in practice.
constexpr DurationLimits kStep{0s, 1h};
// Docker's stop grace period is seconds; minutes already model a stuck teardown.
constexpr DurationLimits kTeardown{0s, 10min};
// A timeout of 0 fails every request (the run then says VIOLATED with 0 ok): a timeout is positive.
constexpr DurationLimits kTimeout{1ms, 1h};
// The watchdog: at least a second, and a week covers a 1000-swap soak at any time scale.
constexpr DurationLimits kDeadline{1s, 24h * 7};
// Each client of a keep-alive run holds a connection through the proxy (about three descriptors);
// 1000 stays far inside the usual 1024-20000 descriptor limits once the proxy's own are counted.
constexpr NumberLimits kClients{1, 1000};
// Every request stays in the history (about 2 KB each): 1000 a scenario second over a 100 s run is
// 10^5 requests, and at time scale 0.1 already past what the generator sustains (bench/traffic_bench).
constexpr NumberLimits kRate{0.01, 1000, "requests per scenario second"};
constexpr NumberLimits kRatio{0, 1};
// The soak benchmark runs 1000 swaps; each swap draws its delays up front.
constexpr NumberLimits kSwaps{0, 1000};
constexpr NumberLimits kPort{1, 65535};

template <class F>
Setter duration(std::string key, DurationLimits limits, F field) {
  return [=](Scenario& s, std::string_view t) { field(s) = read_duration(key, t, limits); };
}
template <class F>
Setter number(std::string key, NumberLimits limits, F field) {
  return [=](Scenario& s, std::string_view t) { field(s) = read_number(key, t, limits); };
}
template <class F>
Setter whole(std::string key, NumberLimits limits, F field) {
  return [=](Scenario& s, std::string_view t) { field(s) = static_cast<int>(read_whole(key, t, limits)); };
}
template <class F>
Setter boolean(std::string key, F field) {
  return [=](Scenario& s, std::string_view t) { field(s) = read_bool(key, t); };
}

// "3s" or "1s..2s": a fixed duration or one drawn per use from [min, max].
Setter range(std::string key, DurationLimits limits, DurationRange& (*field)(Scenario&)) {
  return [=](Scenario& s, std::string_view t) { field(s) = read_duration_range(key, t, limits); };
}

// A value that must match `pattern`, else "<key>: <text> is not <what>".
std::string matching(std::string_view key, std::string_view text, const std::regex& pattern, std::string_view what) {
  const std::string s(text);
  if (!std::regex_match(s, pattern)) throw SettingError(fmt::format("{}: '{}' is not {}", key, s.substr(0, 60), what));
  return s;
}

// The compose versions fakes/docker/compose_dialect.cc models: docker-compose 1.27-1.29 and compose 2.x.
std::string compose_version(std::string_view text) {
  static const std::regex form(R"(v?(\d{1,3})\.(\d{1,3})(\.\d{1,3})?)");
  std::smatch m;
  const std::string s(text);
  if (std::regex_match(s, m, form)) {
    const int major = std::stoi(m[1]), minor = std::stoi(m[2]);  // at most 3 digits: no overflow
    if ((major == 1 && minor >= 27 && minor <= 29) || major == 2) return s;
  }
  throw SettingError(
      fmt::format("docker.compose: '{}' is not a compose version bluegreen models (expected 1.27 to "
                  "1.29 for docker-compose v1, or 2.x; e.g. 1.29.2, 2.5.0, 2.20.2)",
                  s.substr(0, 60)));
}

std::string text_of(std::string_view key, std::string_view t) {
  if (t.empty()) throw SettingError(fmt::format("{}: is empty (expected a value)", key));
  return std::string(t);
}

const std::map<std::string, Setter, std::less<>>& table() {
  using S = Scenario;
  static const std::regex scenario_name(R"([A-Za-z0-9][A-Za-z0-9._-]{0,99})");
  // MAJOR.MINOR[.PATCH][-pre], as fakes/nextjs parse_next_version reads it.
  static const std::regex next_version(R"([vV]?\d{1,3}\.\d{1,3}([.-][0-9A-Za-z.-]{1,40})?)");
  static const std::map<std::string, Setter, std::less<>> t{
      {"name",
       [](S& s, auto v) {
         s.name = matching("name", v, scenario_name,
                           "a scenario name (letters, digits, '.', '_', '-', up to 100: it names the output folder)");
       }},
      {"description", [](S& s, auto v) { s.description = v; }},
      {"seed", [](S& s, auto v) { s.seed = read_seed("seed", v); }},
      {"time_scale", number("time_scale", kTimeScaleLimits, [](S& s) -> double& { return s.time_scale; })},
      {"appspec", [](S& s, auto v) { s.appspec = text_of("appspec", v); }},
      {"app.next_version",
       [](S& s, auto v) {
         s.app.next_version = matching("app.next_version", v, next_version,
                                       "a Next.js version (expected MAJOR.MINOR[.PATCH], e.g. 12.2 or 14.1)");
       }},
      {"app.engine",
       [](S& s, auto v) {
         s.app.engine = read_word("app.engine", v, {"fake", "real"});
       }},
      {"app.sigterm",
       [](S& s, auto v) {
         s.app.sigterm = read_word("app.sigterm", v, {"exit_immediately", "graceful", "ignore"});
       }},
      {"app.listen_delay", range("app.listen_delay", kStep, [](S& s) -> DurationRange& { return s.app.listen_delay; })},
      {"app.prepare_delay",
       range("app.prepare_delay", kStep, [](S& s) -> DurationRange& { return s.app.prepare_delay; })},
      {"app.api_latency", range("app.api_latency", kStep, [](S& s) -> DurationRange& { return s.app.api_latency; })},
      {"app.shared_static", boolean("app.shared_static", [](S& s) -> bool& { return s.app.shared_static; })},
      {"app.keep_alive_timeout",
       [](S& s, auto v) { s.app.keep_alive_timeout = read_duration("app.keep_alive_timeout", v, kTimeout); }},
      {"docker.build_duration",
       range("docker.build_duration", kStep, [](S& s) -> DurationRange& { return s.docker.build_duration; })},
      {"docker.teardown_delay",
       duration(
           "docker.teardown_delay", kTeardown, [](S & s) -> auto& { return s.docker.teardown_delay; })},
      {"docker.userland_proxy",
       boolean("docker.userland_proxy", [](S& s) -> bool& { return s.docker.userland_proxy; })},
      {"docker.compose", [](S& s, auto v) { s.docker.compose = compose_version(v); }},
      {"proxy.config",
       [](S& s, auto v) {
         s.proxy.config = text_of("proxy.config", v);
         s.proxy_config_given = true;
       }},
      {"proxy.engine",
       [](S& s, auto v) {
         s.proxy.engine = read_word("proxy.engine", v, {"bluegreen", "nginx"});
       }},
      {"proxy.start",
       [](S& s, auto v) {
         s.proxy.start_after_initial_deployment =
             read_word("proxy.start", v, {"before_deployment", "after_initial_deployment"}) ==
             "after_initial_deployment";
       }},
      {"traffic.rate", number("traffic.rate", kRate, [](S& s) -> double& { return s.traffic.rate; })},
      {"traffic.clients", whole("traffic.clients", kClients, [](S& s) -> int& { return s.traffic.clients; })},
      {"traffic.post_ratio",
       number("traffic.post_ratio", kRatio, [](S& s) -> double& { return s.traffic.post_ratio; })},
      {"traffic.api_get_ratio",
       number("traffic.api_get_ratio", kRatio, [](S& s) -> double& { return s.traffic.api_get_ratio; })},
      {"traffic.timeout", duration(
                              "traffic.timeout", kTimeout, [](S & s) -> auto& { return s.traffic.timeout; })},
      {"traffic.arrivals",
       [](S& s, auto v) {
         s.traffic.arrivals = read_word("traffic.arrivals", v, {"constant", "poisson"});
       }},
      {"traffic.keepalive", boolean("traffic.keepalive", [](S& s) -> bool& { return s.traffic.keepalive; })},
      {"traffic.browser", boolean("traffic.browser", [](S& s) -> bool& { return s.traffic.browser; })},
      {"traffic.port",
       [](S& s, auto v) { s.traffic.port = static_cast<uint16_t>(read_whole("traffic.port", v, kPort)); }},
      {"traffic.host", [](S& s, auto v) { s.traffic.host = text_of("traffic.host", v); }},
      {"host.os",
       [](S& s, auto v) {
         s.host.os = read_word("host.os", v, {"amazon-linux-2", "ubuntu-22.04"});
       }},
      // stock: Debian's nginx package layout in /etc/nginx; none: no nginx on the host.
      {"host.nginx",
       [](S& s, auto v) {
         s.host.nginx = read_word("host.nginx", v, {"stock", "none"});
       }},
      {"run.swaps", whole("run.swaps", kSwaps, [](S& s) -> int& { return s.run.swaps; })},
      {"run.warmup", duration(
                         "run.warmup", kStep, [](S & s) -> auto& { return s.run.warmup; })},
      {"run.swap_interval",
       range("run.swap_interval", kStep, [](S& s) -> DurationRange& { return s.run.swap_interval; })},
      {"run.liveness", duration(
                           "run.liveness", kStep, [](S & s) -> auto& { return s.run.liveness; })},
      {"run.deadline", duration(
                           "run.deadline", kDeadline, [](S & s) -> auto& { return s.run.deadline; })},
      {"pipeline.build_duration",
       range("pipeline.build_duration", kStep, [](S& s) -> DurationRange& { return s.pipeline.build_duration; })},
      {"pipeline.wait_for_deployment",
       boolean("pipeline.wait_for_deployment", [](S& s) -> bool& { return s.pipeline.wait_for_deployment; })},
      {"pipeline.concurrency.group",
       [](S& s, auto v) { s.pipeline.concurrency_group = text_of("pipeline.concurrency.group", v); }},
      {"pipeline.concurrency.cancel_in_progress",
       boolean("pipeline.concurrency.cancel_in_progress", [](S& s) -> bool& { return s.pipeline.cancel_in_progress; })},
      {"expect.verdict",
       [](S& s, auto v) {
         if (!s.expect) s.expect.emplace();
         s.expect->verdict = *core::parse_verdict(read_word("expect.verdict", v, {"held", "violated"}));
       }},
      {"expect.invariant",
       [](S& s, auto v) {
         if (!s.expect) s.expect.emplace();
         s.expect->invariant = text_of("expect.invariant", v);
       }},
      {"expect.cause",
       [](S& s, auto v) {
         if (!s.expect) s.expect.emplace();
         s.expect->cause = v;
       }},
  };
  return t;
}

}  // namespace

bool is_setting(std::string_view key) { return table().count(key) > 0; }

void set_setting(Scenario& s, std::string_view key, std::string_view text) {
  const auto& t = table();
  auto it = t.find(key);
  if (it == t.end()) throw SettingError(fmt::format("{}: not a setting of scenario.yaml", key));
  it->second(s, text);
}

std::vector<std::string> setting_keys(std::string_view section) {
  std::vector<std::string> keys;
  const std::string prefix = section.empty() ? "" : std::string(section) + ".";
  for (const auto& [k, _] : table()) {
    if (!k.starts_with(prefix)) continue;
    const std::string rest = k.substr(prefix.size());
    if (rest.find('.') == std::string::npos) keys.push_back(rest);
  }
  return keys;
}

std::vector<std::string> all_setting_keys() {
  std::vector<std::string> keys;
  for (const auto& [k, _] : table()) keys.push_back(k);
  return keys;
}

std::string inconsistency(const Scenario& s) {
  if (s.traffic.post_ratio + s.traffic.api_get_ratio > 1)
    return fmt::format(
        "traffic.api_get_ratio: {} with post_ratio {} is more than every request (their sum must be "
        "at most 1)",
        s.traffic.api_get_ratio, s.traffic.post_ratio);
  return "";
}

}  // namespace bg::scenarios
