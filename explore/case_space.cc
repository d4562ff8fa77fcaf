#include "explore/case_space.h"

#include <fmt/format.h>
#include <rapidcheck/detail/TestListener.h>

#include <algorithm>

#include "scenarios/scenario_loader.h"

namespace bg::explore {
namespace {

using namespace std::chrono_literals;

// `first` then `others`, without repeats: pick() shrinks toward the front.
std::vector<std::string> first_then(const std::string& first, std::vector<std::string> others) {
  std::vector<std::string> out{first};
  for (auto& o : others)
    if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(std::move(o));
  return out;
}

// A value written the way scenario.yaml takes it: "3s", "1500ms", "2s..4s".
std::string yaml_duration(core::Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000) : fmt::format("{}ms", ms);
}

std::string yaml_range(const scenarios::DurationRange& r) {
  return r.fixed() ? yaml_duration(r.min) : yaml_duration(r.min) + ".." + yaml_duration(r.max);
}

// The range shifted by `seconds` (never below 1 s at its low end).
scenarios::DurationRange shifted(const scenarios::DurationRange& r, int seconds) {
  const core::Duration by = std::chrono::seconds(seconds);
  return {r.min + by, r.max + by};
}

// One of `options`, shrinking toward the front (gen::elementOf does not shrink).
template <class T>
T pick(const std::vector<T>& options) {
  return options[*rc::gen::inRange<size_t>(0, options.size())];
}

}  // namespace

Case own_case(const scenarios::Scenario& s) {
  return Case{s.seed, s.run.swaps, s.app.listen_delay, s.traffic.post_ratio, s.app.next_version, s.docker.compose};
}

Knobs parse_knobs(const std::string& list) {
  Knobs k{false, false, false, false, false};
  std::string rest = list;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto name = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    if (name == "swaps")
      k.swaps = true;
    else if (name == "listen_delay")
      k.listen_delay = true;
    else if (name == "post_ratio")
      k.post_ratio = true;
    else if (name == "next_version")
      k.next_version = true;
    else if (name == "compose")
      k.compose = true;
    else
      throw scenarios::ScenarioError(fmt::format(
          "--vary {}: unknown knob '{}' (expected some of: swaps, listen_delay, post_ratio, next_version, compose)",
          list, name));
  }
  return k;
}

rc::Gen<Case> case_gen(const scenarios::Scenario& s, const Knobs& vary) {
  // Drawn at full size: every knob uniform over its range from the first case on (RapidCheck's sizes
  // would start every run near the scenario's own values, which the user has presumably tried).
  return rc::gen::resize(
      100, rc::gen::exec([s, vary] {
        Case c;
        // The seed does not shrink: a smaller seed is not a simpler case.
        c.seed = *rc::gen::noShrink(rc::gen::inRange<uint64_t>(1, uint64_t{1} << 30));
        c.swaps = *rc::gen::inRange(1, std::max(s.run.swaps, 2) + 1);
        // Shift in whole seconds, shrinking toward no shift: up to 12 s later (past a script's sleep of a
        // few seconds to ten), down to a 1 s start.
        const int below =
            static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(s.app.listen_delay.min).count()) - 1;
        // Every pick is drawn whatever the others are, so that shrinking one never shifts the next ones
        // onto another pick's value (gen::exec replays picks by position).
        const int shift = *rc::gen::inRange(0, 13);
        const bool earlier = *rc::gen::arbitrary<bool>() && below > 0 && shift > 0;
        c.listen_delay = shifted(s.app.listen_delay, earlier ? -std::min(shift, below) : shift);
        const double own = s.traffic.post_ratio;
        const std::vector<double> ratios =
            own > 0 && own < 1 ? std::vector<double>{0, own, 1} : std::vector<double>{0, 0.5, 1};
        c.post_ratio = pick(ratios);
        // 12.2 exits at once on SIGTERM and answers 404 before ready; 13.4 holds early requests; 14.1
        // drains on SIGTERM (semantics.md §5).
        c.next_version = pick(first_then(s.app.next_version, {"12.2", "13.4", "14.1"}));
        // v1, v2 before 2.15 and v2 from 2.15 word `ps` and `up` differently (semantics.md §3).
        c.compose = pick(first_then(s.docker.compose, {"1.29.2", "2.5.0", "2.20.2"}));
        // A knob not varied is still drawn (picks stay in place) and then set back to the scenario's.
        const Case mine = own_case(s);
        if (!vary.swaps) c.swaps = mine.swaps;
        if (!vary.listen_delay) c.listen_delay = mine.listen_delay;
        if (!vary.post_ratio) c.post_ratio = mine.post_ratio;
        if (!vary.next_version) c.next_version = mine.next_version;
        if (!vary.compose) c.compose = mine.compose;
        return c;
      }));
}

std::vector<std::string> overrides_for(const scenarios::Scenario& s, const Case& c, const Quick& q) {
  std::vector<std::string> out;
  auto set = [&](const std::string& key, const std::string& value) { out.push_back(key + "=" + value); };
  if (c.swaps != s.run.swaps) set("run.swaps", std::to_string(c.swaps));
  if (c.listen_delay.min != s.app.listen_delay.min || c.listen_delay.max != s.app.listen_delay.max)
    set("app.listen_delay", yaml_range(c.listen_delay));
  if (c.post_ratio != s.traffic.post_ratio) set("traffic.post_ratio", fmt::format("{}", c.post_ratio));
  if (c.next_version != s.app.next_version) set("app.next_version", c.next_version);
  if (c.compose != s.docker.compose) set("docker.compose", c.compose);
  // Quick's shortenings, only where they shorten. The warm-up lets the first color serve first. A
  // range that can draw longer than Quick's value is pinned to it (a fixed value replaces a range);
  // one wholly within it is left to draw.
  if (s.docker.build_duration.max > q.build_duration) set("docker.build_duration", yaml_duration(q.build_duration));
  set("run.warmup", yaml_duration(c.listen_delay.max + q.warmup_after_listen));
  if (s.run.swap_interval.max > q.swap_interval) set("run.swap_interval", yaml_duration(q.swap_interval));
  if (s.run.liveness > q.liveness) set("run.liveness", yaml_duration(q.liveness));
  if (s.traffic.rate > q.max_rate) set("traffic.rate", fmt::format("{}", q.max_rate));
  return out;
}

std::string describe(const Case& c) {
  return fmt::format("swaps={} listen_delay={} post_ratio={} next={} compose={} seed={}", c.swaps,
                     yaml_range(c.listen_delay), c.post_ratio, c.next_version, c.compose, c.seed);
}

void showValue(const Case& c, std::ostream& os) { os << describe(c); }

std::vector<Case> draw_search_cases(const rc::Gen<Case>& cases, uint64_t seed, int count) {
  // The search itself, with a property that only draws and holds (and a listener told nothing).
  struct Quiet : rc::detail::TestListener {
    void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
    void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
    void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
  } quiet;
  std::vector<Case> drawn;
  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = count;
  params.disableShrinking = true;
  rc::detail::checkTestable([&] { drawn.push_back(*cases); }, rc::detail::TestMetadata{}, params, quiet);
  return drawn;
}

}  // namespace bg::explore
