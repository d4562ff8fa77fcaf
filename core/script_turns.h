#pragma once
// ScriptTurns: the turns real processes hold on a VirtualClock (docs/design.md, "Time").
//
// A deploy script is a real bash process: it cannot block on the clock, and the clock cannot see it
// compute. So while a script runs between shim calls it holds a turn, as a running actor does: time
// stands still and, once the turn has the baton, nothing else of the run runs (one actor at a time,
// core/virtual_clock.h). When it calls a shim, the call is an actor (keyed by the caller's pid) that
// takes the script's turn over, place in line and all, so the call runs exactly where the script
// would have gone on; when the call returns, the script takes a new turn at the end of the line
// before the call's actor ends. A sleep in a script is then a shim call blocked on the clock, and
// time moves only when every actor, every call and every script waits. Whatever the machine's load,
// the run's own actors and a script's calls interleave in one order.
//
// A script's id travels in its environment (kScriptTurnEnv), so a call is counted against the
// script whichever of its processes makes it: a pipeline's, a `&` child's. Simplified: a script
// holds no turn while any of its calls runs, so a `&` child calling `sleep` while the script's main
// process computes lets time pass under it, and a second call in flight at once takes its place at
// the end of the line when it comes (deploy scripts run their steps one after another;
// docs/engines.md, "Known gaps"). A call no script claims (its environment lost the id) goes ahead
// of a computing script, which may be waiting for it.
//
// A script that computes without ever calling a shim would hold time still for ever; running_for()
// is what a watchdog measures to stop it (ScriptRunner does, with a clear error).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/virtual_clock.h"

namespace bg::core {

// The environment variable that carries a script's id to the shims.
inline constexpr const char* kScriptTurnEnv = "BLUEGREEN_TURN";

class ScriptTurns {
 public:
  explicit ScriptTurns(VirtualClock& clock) : clock_(clock) {}
  ~ScriptTurns();
  ScriptTurns(const ScriptTurns&) = delete;
  ScriptTurns& operator=(const ScriptTurns&) = delete;

  // A script about to start: it holds a turn from now until end() or its first call. Its id.
  uint64_t begin();
  // The script has ended (exited, its output closed): its turn goes, if it holds one, and calls
  // still to come from processes it left behind count against no script.
  void end(uint64_t id);
  // The script's main process has ended, but it may have left processes in its group computing
  // (`./deploy.sh > log 2>&1 < /dev/null &`, which outlives its hook as on an instance, semantics.md
  // §4): the script keeps its turn and its calls while any process of `group` lives, so that time
  // stands still while they compute between calls as it did while the script ran, whatever the
  // machine's speed. end() comes once the group is empty (watched in real time). Leftovers that hold
  // the turn for spin_limit() of real time without a call, computing or blocked on something no shim
  // serves (a `tail -f`), are killed and reported as a spin: the deterministic engine cannot run them.
  void end_with_group(uint64_t id, int group, const std::string& script);
  // Stops watching the groups end_with_group watches, and with `end_turns` ends their scripts' turns
  // (the run is over: its host has stopped, and their processes with it).
  void stop_leftovers(bool end_turns);
  // Waits in real time, until `deadline`, for the calls of an ended script that were still in flight
  // when it ended to return; true once none is left. A runner that killed a script (its timeout, the
  // run's stop) waits for them while it holds time still, so that a killed `sleep 600` records its
  // end at the instant of the kill, before the runner goes on, whatever the machine's load.
  bool wait_for_calls(uint64_t id, std::chrono::steady_clock::time_point deadline);

  // One shim call, run by `work()` on the calling thread as an actor keyed `order_key`; `script` is
  // the kScriptTurnEnv value of the caller ("" or unknown: no script's). The call takes the script's
  // turn over, and the script has one again before the call's actor ends, so time cannot pass
  // between the reply and the script going on. `stop` (the call's: its caller died) lets the actor
  // run without waiting for the baton.
  template <class Work>
  auto call(std::string_view script, uint64_t order_key, std::stop_token stop, Work&& work) {
    const uint64_t id = parse(script);
    Entry entry = enter(id);
    std::optional<VirtualClock::Actor> self;
    if (entry.turn)
      self.emplace(std::move(*entry.turn), order_key, stop);  // the script's own place in line
    else
      self.emplace(clock_, order_key, stop,
                   entry.counted ? VirtualClock::Line::at_end : VirtualClock::Line::ahead_of_a_script);
    struct Leave {
      ScriptTurns& turns;
      uint64_t id;
      ~Leave() {
        if (id) turns.leave(id);
      }
    } leave{*this, entry.counted ? id : 0};
    return work();
  }

  // Real time the script has held its turn since it last took it (its start, or a call's return);
  // zero while it holds none. What a watchdog measures to stop a script that spins.
  std::chrono::steady_clock::duration running_for(uint64_t id) const;

  // The real time a script may run without a call before a watchdog stops it (default 20 s: far
  // more than a deploy script's own steps take between two commands, far less than a run's deadline).
  void set_spin_limit(std::chrono::nanoseconds limit);
  std::chrono::nanoseconds spin_limit() const;
  // Told when a watchdog stopped a script for running too long without a call: the run's verdict is
  // then an error naming it.
  void set_on_spin(std::function<void(const std::string&)> on_spin);
  void report_spin(const std::string& message) const;

 private:
  struct Script {
    int calls = 0;                           // calls in flight
    std::optional<VirtualClock::Turn> turn;  // held while no call is in flight and it has not ended
    std::chrono::steady_clock::time_point since{};
    bool ended = false;  // end() came while calls were in flight: kept until they return
  };
  static uint64_t parse(std::string_view text);
  // A call's start: whether it counts against script `id` (one that runs and has not ended), and
  // the script's turn when this is its only call in flight, for the call's actor to take over.
  struct Entry {
    bool counted = false;
    std::optional<VirtualClock::Turn> turn;
  };
  Entry enter(uint64_t id);
  void leave(uint64_t id);

  VirtualClock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable calls_returned_;  // an ended script's last call returned
  std::map<uint64_t, Script> scripts_;      // the scripts running now, and ended ones with calls in flight
  uint64_t next_id_ = 1;
  std::chrono::nanoseconds spin_limit_ = std::chrono::seconds(20);
  std::function<void(const std::string&)> on_spin_;
  std::mutex leftovers_mutex_;
  std::vector<std::pair<uint64_t, std::jthread>> leftovers_;  // end_with_group's watchers, by script id
};

// A shim call from a process with environment `env` and pid `pid`, run by `work()`: on a
// VirtualClock as its ScriptTurns::call (an actor keyed by the pid, in the calling script's turn);
// on a live clock as it is.
template <class Env, class Work>
auto as_shim_call(Clock& clock, const Env& env, int pid, std::stop_token stop, Work&& work) {
  auto* v = dynamic_cast<VirtualClock*>(&clock);
  if (!v) return work();
  auto it = env.find(kScriptTurnEnv);
  return v->script_turns().call(it == env.end() ? std::string_view() : std::string_view(it->second),
                                static_cast<uint64_t>(pid), stop, std::forward<Work>(work));
}

}  // namespace bg::core
