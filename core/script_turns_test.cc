// ScriptTurns: a real process holds scenario time still while it runs between shim calls, lets it
// pass while its calls wait on the clock, and holds it again before a call's reply reaches it.
#include "core/script_turns.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>

#include "core/actor_thread.h"
#include "test_support/wait.h"

namespace bg::core {
namespace {
using namespace std::chrono_literals;
using test_support::wait_until;

// Real time for a thread that should not get anywhere to show that it does not (a bound, not a
// measure: a result it could pass by luck is one where time moved, which fails).
void let_real_time_pass() { std::this_thread::sleep_for(50ms); }

}  // namespace

// Goal: while a script runs (no call in flight) an actor's sleep does not end: virtual time stands
// still until the script ends.
TEST(ScriptTurns, ARunningScriptHoldsTimeStill) {
  VirtualClock clock;
  const uint64_t script = clock.script_turns().begin();
  std::atomic<bool> woke{false};
  auto sleeper = start_actor(clock, 1, [&](std::stop_token) {
    clock.sleep_for(5s);
    woke = true;
  });
  let_real_time_pass();
  EXPECT_FALSE(woke);
  EXPECT_EQ(clock.now(), Time(0));
  clock.script_turns().end(script);
  sleeper.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(clock.now(), Time(5s));
}

// Goal: a call of the script is an actor: its sleep lets time pass (the script waits on it), and
// once it returns the script holds time again.
TEST(ScriptTurns, ACallLetsTimePassAndTheScriptHoldsAgainAfterIt) {
  VirtualClock clock;
  ScriptTurns& turns = clock.script_turns();
  const uint64_t script = turns.begin();
  const std::map<std::string, std::string> env = {{kScriptTurnEnv, std::to_string(script)}};
  EXPECT_EQ(clock.running(), 1);
  std::thread shim([&] { as_shim_call(clock, env, 42, {}, [&] { return clock.sleep_for(3s); }); });
  shim.join();
  EXPECT_EQ(clock.now(), Time(3s));
  EXPECT_EQ(clock.running(), 1);  // the script's own turn, back before the call ended
  EXPECT_GT(turns.running_for(script), std::chrono::nanoseconds(0));
  // And still holding: another actor's sleep does not end while the script runs.
  std::atomic<bool> woke{false};
  auto sleeper = start_actor(clock, 1, [&](std::stop_token) {
    clock.sleep_for(1s);
    woke = true;
  });
  let_real_time_pass();
  EXPECT_FALSE(woke);
  turns.end(script);
  sleeper.join();
  EXPECT_EQ(clock.now(), Time(4s));
}

// Goal: while one call of a script waits, the script holds no turn (running_for is zero), and a
// call that names no script (a process whose environment lost the id) is an actor all the same.
TEST(ScriptTurns, CallsInFlightReleaseTheScriptAndUnknownCallersStillRun) {
  VirtualClock clock;
  ScriptTurns& turns = clock.script_turns();
  const uint64_t script = turns.begin();
  const std::map<std::string, std::string> env = {{kScriptTurnEnv, std::to_string(script)}};
  std::atomic<bool> in_call{false};
  std::thread shim([&] {
    as_shim_call(clock, env, 7, {}, [&] {
      in_call = true;
      return clock.sleep_for(10s);
    });
  });
  while (!in_call) std::this_thread::yield();
  // The call now sleeps until 10 s; nothing else holds time, so it ends at once.
  shim.join();
  EXPECT_EQ(clock.now(), Time(10s));
  turns.end(script);
  EXPECT_EQ(turns.running_for(script), std::chrono::nanoseconds(0));
  EXPECT_EQ(clock.running(), 0);
  const std::map<std::string, std::string> none;
  std::thread stray([&] { as_shim_call(clock, none, 9, {}, [&] { return clock.sleep_for(2s); }); });
  stray.join();
  EXPECT_EQ(clock.now(), Time(12s));
  EXPECT_EQ(clock.running(), 0);
}

// Goal: a shim call no script claims (its environment lost the script's id) goes ahead of a script
// that holds the baton while it computes: the script may be waiting for exactly that call, and
// behind it the call would wait for ever (here: the call runs, and nothing waited the patience).
TEST(ScriptTurns, ACallNoScriptClaimsRunsAheadOfAComputingScript) {
  VirtualClock clock;
  clock.set_baton_patience(10s);
  ScriptTurns& turns = clock.script_turns();
  const uint64_t script = turns.begin();  // holds the baton: the script computes
  const std::map<std::string, std::string> none;
  std::atomic<bool> ran{false};
  std::thread stray([&] { as_shim_call(clock, none, 9, {}, [&] { return ran = true; }); });
  EXPECT_TRUE(wait_until([&] { return ran.load(); }, 5s, "the unclaimed call to run"));
  stray.join();
  EXPECT_EQ(clock.baton_overtakes(), 0);
  EXPECT_EQ(clock.running(), 1);  // the script, still computing
  turns.end(script);
}

// Goal: when a runner kills a script whose call is in flight (a hook's timeout during its `sleep 600`),
// it can wait, holding time still, until that call has returned: the call ends at the kill's instant,
// and only then does the runner go on.
TEST(ScriptTurns, AnEndedScriptsCallInFlightIsWaitedForUntilItReturns) {
  VirtualClock clock;
  ScriptTurns& turns = clock.script_turns();
  const uint64_t script = turns.begin();
  const std::map<std::string, std::string> env = {{kScriptTurnEnv, std::to_string(script)}};
  std::atomic<int> slept{-1};
  // The runner counts from before the call can sleep: otherwise, on a slow machine (TSan), the call
  // slept with nothing else running, time ran to 600 s, and the script's new turn then held it
  // still under the runner's sleep for ever.
  VirtualClock::Turn runner_turn(clock);
  std::jthread shim([&](std::stop_token stop) {
    as_shim_call(clock, env, 7, stop, [&] {
      slept = clock.sleep_for(600s, stop) ? 1 : 0;
      return 0;
    });
  });
  {
    VirtualClock::Actor runner(std::move(runner_turn), 1);  // runs once the call sleeps
    clock.sleep_for(10s);                                   // the hook's timeout
    turns.end(script);                                      // the script was killed; its call has not noticed yet
    EXPECT_FALSE(turns.wait_for_calls(script, std::chrono::steady_clock::now() + 50ms));
    shim.request_stop();  // the shim's process died: its call is stopped
    EXPECT_TRUE(turns.wait_for_calls(script, std::chrono::steady_clock::now() + 10s));
    EXPECT_EQ(slept, 0);  // the call's work (which records it) was done before the wait returned
    EXPECT_EQ(clock.now(), Time(10s));
  }
  shim.join();
  EXPECT_EQ(clock.running(), 0);  // the ended script took no turn back
}

// Goal: discard() drops what still waits on the clock unrun and wakes blocked actors as stopped.
TEST(VirtualClockDiscard, DropsCallbacksAndWakesSleepersAsStopped) {
  VirtualClock clock;
  bool ran = false;
  clock.call_at(Time(1s), [&] { ran = true; });
  std::atomic<int> result{-1};
  std::atomic<bool> blocked{false};
  // The sleeper first in line, a script's turn behind it: once the sleeper sleeps the script holds
  // the baton, and time stands still.
  VirtualClock::Turn first(clock);
  const uint64_t hold = clock.script_turns().begin();
  std::thread sleeper([&, turn = std::move(first)]() mutable {
    VirtualClock::Actor self(std::move(turn), 1);
    blocked = true;
    result = clock.sleep_for(5s) ? 1 : 0;
  });
  while (!blocked || clock.running() != 1) std::this_thread::yield();  // only the hold runs: it sleeps
  clock.discard();
  sleeper.join();
  EXPECT_EQ(result, 0);
  clock.script_turns().end(hold);
  EXPECT_FALSE(ran);
  EXPECT_EQ(clock.now(), Time(0));
}

}  // namespace bg::core
