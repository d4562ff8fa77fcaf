#include "reports/json_report.h"

#include "core/events_json.h"

namespace bg::reports {
namespace {

nlohmann::json seconds(const std::optional<core::Time>& t) {
  return t ? nlohmann::json(core::to_seconds(*t)) : nlohmann::json(nullptr);
}

// A stretch's losses: the counts, the outage and, for a swap, the phases they were lost in.
nlohmann::json losses_json(const Losses& l, bool phases) {
  nlohmann::json j{{"failed", l.failed}, {"indeterminate", l.indeterminate}, {"outage_s", core::to_seconds(l.outage)}};
  if (phases) {
    nlohmann::json by_phase = nlohmann::json::object();
    for (size_t i = 0; i < kSwapPhaseCount; ++i) by_phase[phase_label(static_cast<SwapPhase>(i))] = l.by_phase[i];
    j["by_phase"] = by_phase;
  }
  return j;
}

nlohmann::json swap_json(const SwapSummary& s) {
  nlohmann::json j{
      {"deployment", s.deployment},
      {"succeeded", s.succeeded},
      {"deployment_error", s.deployment_error},
      {"old_container", s.old_container},
      {"new_container", s.new_container},
      {"pushed_s", seconds(s.pushed)},
      {"started_s", seconds(s.started)},
      {"finished_s", seconds(s.finished)},
      {"new_started_s", seconds(s.new_started)},
      {"new_ready_s", seconds(s.new_ready)},
      {"new_first_traffic_s", seconds(s.new_first_traffic)},
      {"old_stop_requested_s", seconds(s.old_stop_requested)},
      {"old_stopped_s", seconds(s.old_stopped)},
      {"mixed_version_from_s", seconds(s.mixed_from)},
      {"mixed_version_to_s", seconds(s.mixed_to)},
      {"lost", losses_json(s.lost, true)},
  };
  j["mixed_version_window_s"] = s.mixed_from && s.mixed_to && *s.mixed_to > *s.mixed_from
                                    ? nlohmann::json(core::to_seconds(*s.mixed_to - *s.mixed_from))
                                    : nlohmann::json(0.0);
  return j;
}

nlohmann::json diagnoses_json(const std::vector<Diagnosis>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : all)
    out.push_back({{"race", d.race.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.race)},
                   {"title", d.title},
                   {"swap", d.swap},
                   {"requests", d.requests},
                   {"mechanism", d.mechanism},
                   {"fix", d.fix},
                   {"snippet", d.snippet}});
  return out;
}

nlohmann::json latency_json(const LatencySummary& l) {
  return {{"count", l.count},
          {"p50_s", core::to_seconds(l.p50)},
          {"p90_s", core::to_seconds(l.p90)},
          {"p99_s", core::to_seconds(l.p99)},
          {"p999_s", core::to_seconds(l.p999)},
          {"max_s", core::to_seconds(l.max)}};
}

}  // namespace

nlohmann::json to_json(const RunResult& r) {
  nlohmann::json invariants = nlohmann::json::array();
  for (const auto& inv : r.invariants)
    invariants.push_back({{"name", inv.name},
                          {"held", inv.held},
                          {"violations", inv.violations},
                          {"summary", inv.summary},
                          {"evidence", inv.evidence}});
  nlohmann::json swaps = nlohmann::json::array();
  for (const auto& s : r.swaps) swaps.push_back(swap_json(s));
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : r.first_failures) {
    nlohmann::json request = f.request;
    failures.push_back(
        {{"request", request}, {"cause", f.cause}, {"proxy_log", f.proxy_log}, {"containers", f.containers}});
  }
  return {
      {"scenario", r.scenario},
      {"scenario_dir", r.scenario_dir},
      {"seed", r.seed},
      {"time_scale", r.time_scale},
      {"engine", r.engine},
      {"proxy_engine", r.proxy_engine},
      {"app_engine", r.app_engine},
      {"app_version", r.app_version},
      {"drawn", r.drawn},
      {"verdict", std::string(core::verdict_name(r.verdict))},
      {"expected_verdict", r.expected_verdict ? std::string(core::verdict_name(*r.expected_verdict)) : ""},
      {"expected_invariant", r.expected_invariant},
      {"expected_cause", r.expected_cause},
      {"as_expected", r.as_expected},
      {"error", r.error},
      // A signal stopped the run early (verdict error): which one, so CI can tell a cancel from a failure.
      {"interrupted", !r.interrupted.empty()},
      {"signal", r.interrupted},
      {"requests",
       {{"total", r.requests},
        {"ok", r.ok},
        {"failed", r.failed},
        {"indeterminate", r.indeterminate},
        {"late_sends", r.late_sends}}},
      {"latency", {{"corrected", latency_json(r.latency)}, {"uncorrected", latency_json(r.latency_uncorrected)}}},
      {"failures_by_class", r.failures_by_class},
      {"outage_s", core::to_seconds(r.outage)},
      {"invariants", invariants},
      {"swaps", swaps},
      {"before_first_swap", losses_json(r.before_first_swap, false)},
      {"diagnoses", diagnoses_json(r.diagnoses)},
      {"first_failures", failures},
      {"replay", r.replay_command},
      {"wall_seconds", r.wall_seconds},
      {"history", r.history_path},
  };
}

}  // namespace bg::reports
