#pragma once
// Scenario time: what users write (`sleep 10`, `fail_timeout=10s`). Every component measures and
// records time in it; only core::Clock converts to real time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bg::core {

// A span of scenario time. Microseconds keep loopback latencies (tens of µs real) visible.
using Duration = std::chrono::microseconds;
// An instant of scenario time, as the duration since the run began.
using Time = std::chrono::microseconds;

using namespace std::chrono_literals;

inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
inline Duration from_seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Parses nginx-style durations, which scenario files use too: "10s", "500ms", "1m30s", "2h", a bare
// number meaning seconds ("10"), or a decimal with a unit ("0.5s"). Returns nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);

// "12.345s": how reports and error messages print scenario time.
std::string format_seconds(Duration d);

}  // namespace bg::core
