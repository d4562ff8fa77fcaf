#pragma once
#include <chrono>
#include <cstdint>

#include "core/sanitizer_slowdown.h"

namespace bg::judge {

// How late (real time) a send may be before it counts as the harness's lateness: 1 ms, and in a
// sanitized build as many times more as the build is slower (core/sanitizer_slowdown.h), where a
// thread's wake-up alone can take that long; its tests run at a time scale slower by the same factor,
// so the tolerance in scenario time is the same.
inline constexpr std::chrono::microseconds kLateAfter{static_cast<int64_t>(1000 * core::kSanitizerSlowdown)};

}  // namespace bg::judge
