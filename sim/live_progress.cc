#include "sim/live_progress.h"

namespace bg::sim {

const char* run_phase_name(RunPhase phase) {
  switch (phase) {
    case RunPhase::starting:
      return "starting";
    case RunPhase::initial_deployment:
      return "initial deployment";
    case RunPhase::warm_up:
      return "warm-up";
    case RunPhase::traffic:
      return "traffic";
    case RunPhase::swap:
      return "swap";
    case RunPhase::liveness:
      return "liveness";
    case RunPhase::judging:
      return "judging";
  }
  return "?";
}

}  // namespace bg::sim
