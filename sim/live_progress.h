#pragma once
// LiveProgress: what a run has done so far, for a display that reads it while the run goes (the
// CLI's one-line progress on a terminal). The run and its traffic write it; a reader on another
// thread takes snapshots. Owned by the caller, who keeps it alive for the run.
#include <atomic>
#include <cstdint>

namespace bg::sim {

enum class RunPhase { starting, initial_deployment, warm_up, traffic, swap, liveness, judging };
// "starting", "initial deployment", "warm-up", "traffic", "swap", "liveness", "judging".
const char* run_phase_name(RunPhase phase);

struct LiveProgress {
  std::atomic<RunPhase> phase{RunPhase::starting};
  std::atomic<int> swap{0}, swaps{0};
  std::atomic<int64_t> requests{0};  // requests that ended
  std::atomic<int64_t> lost{0};      // of them, failed or indeterminate
};

}  // namespace bg::sim
