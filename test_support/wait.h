#pragma once
// Waits for tests, each with an explicit deadline and a message saying what it waited for, as
// Envoy's integration tests wait: the result is a ::testing::AssertionResult, so a test writes
// `ASSERT_TRUE(wait_until(...))` and a timeout fails with "timed out after 2000 ms waiting for the
// reload to take over" rather than a bare `false`. No test polls by hand or sleeps a fixed time to
// let something happen: it waits for the condition (wait_until) or, when the behaviour is that
// something does NOT happen within a span, checks it throughout that span (holds_for).
//
// Two clocks: real time (the condition is re-checked every millisecond until the deadline), and
// scenario time on a core::Clock (the condition is re-checked every `step` of the clock's own
// sleep_for, so on a ScaledClock the wait is scaled like the run, and on a ManualClock each step
// advances the clock as the loops these replace did).
#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>

#include "core/clock.h"

namespace bg::test_support {

// Real time between two checks of a condition: short, since the conditions are cheap and a test's
// wall time is the sum of its waits.
inline constexpr std::chrono::milliseconds kRealStep{1};

// Waits (real time) until `condition()` holds; fails naming `what` once `deadline` has passed.
template <class Condition>
::testing::AssertionResult wait_until(Condition&& condition, std::chrono::nanoseconds deadline, std::string_view what) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) {
      // One last look: the condition may have come true while this thread slept past the end.
      if (condition()) break;
      return ::testing::AssertionFailure()
             << "timed out after " << std::chrono::duration_cast<std::chrono::milliseconds>(deadline).count()
             << " ms (real) waiting for " << what;
    }
    std::this_thread::sleep_for(kRealStep);
  }
  return ::testing::AssertionSuccess();
}

// Waits (scenario time on `clock`, checking every `step`) until `condition()` holds; fails naming
// `what` once `deadline` of scenario time has passed.
template <class Condition>
::testing::AssertionResult wait_until(core::Clock& clock, Condition&& condition, core::Duration deadline,
                                      std::string_view what, core::Duration step = std::chrono::milliseconds(100)) {
  const core::Time end = clock.now() + deadline;
  while (!condition()) {
    if (clock.now() >= end) {
      if (condition()) break;
      return ::testing::AssertionFailure()
             << "timed out after " << core::format_seconds(deadline) << " (scenario) waiting for " << what;
    }
    clock.sleep_for(step);
  }
  return ::testing::AssertionSuccess();
}

// Checks (real time) that `condition()` holds throughout `span`, at every step and once more at its
// end; fails naming `what` at the first check where it does not.
template <class Condition>
::testing::AssertionResult holds_for(Condition&& condition, std::chrono::nanoseconds span, std::string_view what) {
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + span;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (!condition())
      return ::testing::AssertionFailure()
             << "stopped holding after " << std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count()
             << " ms (real) of " << std::chrono::duration_cast<std::chrono::milliseconds>(span).count() << ": " << what;
    if (now >= end) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(kRealStep);
  }
}

// Checks (scenario time on `clock`, every `step`) that `condition()` holds throughout `span`.
template <class Condition>
::testing::AssertionResult holds_for(core::Clock& clock, Condition&& condition, core::Duration span,
                                     std::string_view what, core::Duration step = std::chrono::milliseconds(100)) {
  const core::Time start = clock.now();
  const core::Time end = start + span;
  for (;;) {
    const core::Time now = clock.now();
    if (!condition())
      return ::testing::AssertionFailure() << "stopped holding after " << core::format_seconds(now - start)
                                           << " (scenario) of " << core::format_seconds(span) << ": " << what;
    if (now >= end) return ::testing::AssertionSuccess();
    clock.sleep_for(std::min(step, end - now));
  }
}

}  // namespace bg::test_support
