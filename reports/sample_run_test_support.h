#pragma once
// A small hand-made run for the reports' tests: one swap from blue to green with every phase, requests
// served by both builds, refused connections while green was starting and one reset at the stop.
// Shaped like a real seed history (the same event kinds and words), small enough to reason about.
#include <chrono>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::reports::test_support {

inline core::Time secs(double s) { return core::from_seconds(s); }

struct SampleRun {
  RunResult result;
  std::vector<core::Entry> entries;
  int ok = 0, refused = 0, reset = 0;
};

inline SampleRun sample_run() {
  SampleRun s;
  auto add = [&](core::Event e) { s.entries.push_back({s.entries.size(), std::move(e)}); };
  add(core::DeployEvent{secs(0), core::DeployEventKind::phase, 0, "", "", 0,
                        std::string(core::harness_phase_name(core::HarnessPhase::traffic_started))});
  add(core::DeployEvent{secs(10), core::DeployEventKind::deployment_started, 1});
  core::ShimEvent build{secs(10.5), secs(13), "docker", {"build", "-t", "docker-image", "."}};
  build.deployment = 1;
  add(build);
  add(core::ContainerEvent{secs(13.5), "green-green-1", "green", "app", core::ContainerWhat::started});
  add(core::AppEvent{secs(16), "green-green-1", "b2", core::AppWhat::ready});
  add(core::ContainerEvent{secs(24), "blue-blue-1", "blue", "app", core::ContainerWhat::stop_requested});
  add(core::ContainerEvent{secs(24.2), "blue-blue-1", "blue", "app", core::ContainerWhat::exited, 0});
  add(core::DeployEvent{secs(24.5), core::DeployEventKind::deployment_succeeded, 1});
  uint64_t id = 0;
  for (double t = 0; t < 40; t += 0.25) {
    core::RequestEvent q{
        ++id, static_cast<int>(id % 4), "GET", "/", secs(t), secs(t), secs(t) + std::chrono::milliseconds(10)};
    const bool green_turn = t >= 13.5 && id % 2 == 0;
    if (t >= 13.5 && t < 16 && green_turn) {  // nginx sent it to green, which was not listening yet
      q.status = 502;
      q.outcome = core::Outcome::fail;
      add(core::ProxyEvent{q.end, core::ProxyEventKind::error_log, "error",
                           "connect() failed (111: Connection refused) while connecting to upstream", "localhost:3000",
                           q.id});
      ++s.refused;
    } else if (t == 24) {  // in flight when blue exited
      q.status = 0;
      q.error = "reset";
      q.outcome = core::Outcome::info;
      ++s.reset;
    } else {
      const bool green = t >= 24 || (t >= 16 && green_turn);
      q.status = 200;
      q.served_by = green ? "green-green-1" : "blue-blue-1";
      q.build_id = green ? "b2" : "b1";
      ++s.ok;
    }
    add(q);
  }

  RunResult& r = s.result;
  r.scenario = "sample";
  r.scenario_dir = "scenarios/data/sample";
  r.seed = 7;
  r.time_scale = 0.05;
  r.verdict = bg::core::Verdict::violated;
  r.expected_verdict = bg::core::Verdict::violated;
  r.requests = s.ok + s.refused + s.reset;
  r.ok = s.ok;
  r.failed = s.refused;
  r.indeterminate = s.reset;
  r.failures_by_class["GET 502 connection refused"] = s.refused;
  r.failures_by_class["GET reset"] = s.reset;
  r.invariants.push_back({"no_failed_requests",
                          false,
                          s.refused + s.reset,
                          "some requests failed",
                          {"request #56 GET / sent at 14.000s failed after 0.010s: 502 connection refused"}});
  r.invariants.push_back({"switch_ordering", true, 0, "every swap kept its order", {}});
  SwapSummary w;
  w.deployment = 1;
  w.succeeded = true;
  w.old_container = "blue-blue-1";
  w.new_container = "green-green-1";
  w.started = secs(10);
  w.finished = secs(24.5);
  w.new_started = secs(13.5);
  w.new_ready = secs(16);
  w.new_first_traffic = secs(16.51);
  w.old_stop_requested = secs(24);
  w.old_stopped = secs(24.2);
  w.mixed_from = secs(16.51);
  w.mixed_to = secs(23.76);
  w.pushed = secs(10);
  w.lost.failed = s.refused;
  w.lost.indeterminate = s.reset;
  w.lost.by_phase[static_cast<size_t>(SwapPhase::new_starting)] = s.refused;
  w.lost.by_phase[static_cast<size_t>(SwapPhase::old_draining)] = s.reset;
  r.swaps.push_back(w);
  FailureSample f;
  for (const auto& e : s.entries)
    if (auto* q = std::get_if<core::RequestEvent>(&e.event); q && q->outcome == core::Outcome::fail && !f.request.id)
      f.request = *q;
  f.cause = "502 connection refused";
  f.proxy_log = {"[error] connect() failed (111: Connection refused) while connecting to upstream"};
  f.containers = {"blue-blue-1: app ready", "green-green-1: started"};
  r.first_failures.push_back(f);
  r.replay_command = "bluegreen replay scenarios/data/sample --seed 7";
  r.history_path = "out/history.jsonl";
  return s;
}

}  // namespace bg::reports::test_support
