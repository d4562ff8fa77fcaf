#include "reports/markdown_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace bg::reports {
namespace {

std::string at(const std::optional<core::Time>& t) { return t ? fmt::format("{:.2f}", core::to_seconds(*t)) : "—"; }

// How long both builds answered: the mixed-version window.
std::string mixed(const SwapSummary& s) {
  const bool both = s.mixed_from && s.mixed_to && *s.mixed_to > *s.mixed_from;
  return fmt::format("{:.2f}s", both ? core::to_seconds(*s.mixed_to - *s.mixed_from) : 0.0);
}

// Markdown tables break on a bare '|'.
std::string cell(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

// Text from the history (commands and names the user wrote) in a list item: '<' would open HTML
// on GitHub and a line break would end the item. Backticks stay: the diagnosis quotes commands in them.
std::string prose(std::string s) {
  for (size_t i = 0; (i = s.find_first_of("<\n", i)) != std::string::npos;) {
    const std::string with = s[i] == '<' ? "&lt;" : " ";
    s.replace(i, 1, with);
    i += with.size();
  }
  return s;
}

// A fence longer than any run of backticks in `text`, so the block cannot end early.
std::string fence_for(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

// Each line of `text` with `prefix` before it (a fenced block inside a list item).
std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t from = 0;
  while (from < text.size()) {
    const auto nl = text.find('\n', from);
    const auto to = nl == std::string::npos ? text.size() : nl + 1;
    out += prefix + text.substr(from, to - from);
    from = to;
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

}  // namespace

std::string to_markdown(const RunResult& r) {
  std::string out;
  const std::string_view mark = core::verdict_headline(r.verdict);
  out += fmt::format("## bluegreen: `{}` — zero downtime {}\n\n", r.scenario, mark);
  if (r.expected_verdict)
    out += fmt::format("Expected: {}{} — {}.\n\n", core::verdict_name(*r.expected_verdict),
                       r.expected_invariant.empty() ? "" : " (" + r.expected_invariant + ")",
                       r.as_expected ? "as expected" : "**NOT as expected**");
  if (!r.interrupted.empty())
    out += fmt::format("**Interrupted by {}**: the run was stopped early, in order; nothing is concluded from it.\n\n",
                       r.interrupted);
  if (!r.error.empty()) out += fmt::format("Harness error: `{}`\n\n", r.error);
  out += fmt::format(
      "Seed {} · time scale {} · {} · {} requests: {} ok, {} failed, {} indeterminate · outage {:.2f}s\n\n", r.seed,
      r.time_scale, engines_line(r), r.requests, r.ok, r.failed, r.indeterminate, core::to_seconds(r.outage));
  if (r.latency.count > 0)
    // Corrected (from the intended send, as wrk2) first: the uncorrected figure hides stalls.
    out += fmt::format(
        "Latency p50 {:.3f}s · p99 {:.3f}s · p99.9 {:.3f}s · max {:.3f}s (from the intended send; "
        "p99 {:.3f}s from the actual send) · {} late sends\n\n",
        core::to_seconds(r.latency.p50), core::to_seconds(r.latency.p99), core::to_seconds(r.latency.p999),
        core::to_seconds(r.latency.max), core::to_seconds(r.latency_uncorrected.p99), r.late_sends);

  if (r.invariants.empty())
    out += "Invariants not judged: the run did not complete.\n";
  else
    out += "| invariant | verdict | violations | summary |\n|---|---|---|---|\n";
  for (const auto& inv : r.invariants)
    out += fmt::format("| `{}` | {} | {} | {} |\n", inv.name, inv.held ? "held" : "**violated**", inv.violations,
                       cell(inv.summary));

  if (!r.failures_by_class.empty()) {
    out += "\n| failure class | requests |\n|---|---|\n";
    for (const auto& [cls, n] : r.failures_by_class) out += fmt::format("| {} | {} |\n", cell(cls), n);
  }

  const auto& b = r.before_first_swap;
  // A run without swaps that lost requests still shows where: its steady-state row.
  if (!r.swaps.empty() || !b.none()) {
    out +=
        "\n| swap | old → new | new started | new ready | new first traffic | old stop | old stopped | mixed versions "
        "| outage | failed | lost in |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
    if (!b.none())
      out += fmt::format("| before 1 | — | — | — | — | — | — | — | {:.2f}s | {} | steady state |\n",
                         core::to_seconds(b.outage), lost_text(b));
    for (const auto& s : r.swaps)
      out +=
          fmt::format("| {}{} | {} → {} | {} | {} | {} | {} | {} | {} | {:.2f}s | {} | {} |\n", s.deployment,
                      s.succeeded ? "" : " (deployment failed)", s.old_container.empty() ? "—" : s.old_container,
                      s.new_container.empty() ? "—" : s.new_container, at(s.new_started), at(s.new_ready),
                      at(s.new_first_traffic), at(s.old_stop_requested), at(s.old_stopped), mixed(s),
                      core::to_seconds(s.lost.outage), lost_text(s.lost), s.lost.total() ? phases_text(s.lost) : "—");
    out +=
        "\nTimes are scenario seconds since the run began; mixed versions: first new-build to last old-build "
        "response. A swap's outage and failures are those from its push until the next push, by phase.\n";
    bool first = true;
    for (const auto& s : r.swaps)
      if (!s.deployment_error.empty()) {
        out += fmt::format("{}- Deployment {} failed: {}\n", first ? "\n" : "", s.deployment, cell(s.deployment_error));
        first = false;
      }
  }

  if (!r.diagnoses.empty()) {
    out += "\n### Why\n\n";
    std::set<std::string> told;  // a race's fix and diff once, at its first swap
    for (const auto& d : r.diagnoses) {
      out += fmt::format("- **{}: {}**{}: {}.", stretch_name(d.swap), diagnosis_name(d), diagnosis_count(d),
                         prose(d.mechanism));
      const bool first = d.race.empty() || told.insert(d.race).second;
      if (!d.fix.empty()) out += first ? fmt::format(" Fix: {}.", prose(d.fix)) : " Fix: as above.";
      out += "\n";
      if (first && !d.snippet.empty()) {
        const auto fence = fence_for(d.snippet);
        out += fmt::format("  {}diff\n{}  {}\n", fence, indent(d.snippet, "  "), fence);
      }
    }
  }

  for (const auto& inv : r.invariants) {
    if (inv.held || inv.evidence.empty()) continue;
    out += fmt::format("\n### `{}`\n\n", inv.name);
    for (const auto& e : inv.evidence) out += fmt::format("- {}\n", e);
  }

  if (!r.first_failures.empty()) {
    out += "\n### First failed requests\n\n";
    for (const auto& f : r.first_failures) {
      const auto& q = f.request;
      out += fmt::format("- `#{}` {} {} at {:.3f}s: {}\n", q.id, q.method, q.path, core::to_seconds(q.start), f.cause);
      for (const auto& line : f.proxy_log) out += fmt::format("  - proxy: `{}`\n", line);
      if (!f.containers.empty()) {
        std::string states;
        for (const auto& c : f.containers) states += (states.empty() ? "" : ", ") + c;
        out += fmt::format("  - containers: {}\n", states);
      }
    }
  }
  if (!r.replay_command.empty()) out += fmt::format("\nReplay: `{}`\n", r.replay_command);
  // What the seed decided (delays, swap intervals: scenario.yaml's ranges), which the replay draws
  // again; seed and time scale are in the headline already.
  std::string drawn;
  for (const auto& [name, value] : r.drawn)
    if (name != "seed" && name != "time_scale")
      drawn += fmt::format("{}`{}` {}", drawn.empty() ? "" : " · ", name, value);
  if (!drawn.empty()) out += fmt::format("\nDrawn from the seed: {}\n", drawn);
  // A CI job summary cannot embed the page; it says where the rest is (the job's artifacts).
  out += "\nThe timeline, latency and every swap's phases are in `report.html`; CI test results in `junit.xml`.\n";
  return out;
}

}  // namespace bg::reports
