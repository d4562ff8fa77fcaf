#pragma once
// DurationRange: a span of scenario time that a user gives either fixed ("3s") or as a range
// ("2.5s..3.5s") drawn uniformly each time it is used: a container's start, an image build, a
// workflow's build, the traffic between two pushes. Those vary between real deploys, and a fixed
// value pins the phase of everything timed against them (nginx's once-per-fail_timeout probe of a
// failed peer, say), so a race at its edge reads "always" or "never" where production says
// "sometimes". A fixed range never draws: a stream given to it stays where it was.
#include <chrono>
#include <string>

#include "core/rng.h"
#include "core/time.h"

namespace bg::core {

struct DurationRange {
  Duration min{};
  Duration max{};

  constexpr DurationRange() = default;
  // A fixed duration is the range of that one value; implicit so that `swap_interval = 10s` reads
  // as it always did. Only durations that convert to microseconds without loss.
  template <class Rep, class Period>
  constexpr DurationRange(std::chrono::duration<Rep, Period> fixed) : min(fixed), max(fixed) {}
  constexpr DurationRange(Duration min_, Duration max_) : min(min_), max(max_) {}

  bool fixed() const { return min == max; }
  // One value in [min, max], uniform to the microsecond; `min` without drawing when fixed.
  Duration draw(Rng& rng) const { return fixed() ? min : rng.uniform_duration(min, max); }
  // As scenario.yaml writes it: "3s", "2.5s..3.5s".
  std::string text() const;

  bool operator==(const DurationRange&) const = default;
};

// What a history detail says of a drawn value: "listen_delay 3.420s (drawn from 2.5s..3.5s)". Only
// for a range: "" for a fixed one, so details of fixed values stay as they were and existing
// histories do not change. drawn_suffix is the same after a space, to end a detail with.
std::string drawn_note(std::string_view name, Duration drawn, const DurationRange& from);
std::string drawn_suffix(std::string_view name, Duration drawn, const DurationRange& from);

}  // namespace bg::core
