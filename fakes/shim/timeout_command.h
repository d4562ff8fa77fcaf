#pragma once
// A script's `timeout DURATION COMMAND...` (GNU coreutils): its durations are scenario time, so the
// real `timeout` is run with them scaled to the run's time scale; everything else is its own.
#include <string>
#include <vector>

namespace bg::fakes {

// The arguments for the real timeout (without argv[0]): DURATION and -k/--kill-after scaled. An
// invalid duration is left as written for the real program to reject with its own message.
std::vector<std::string> scale_timeout_args(const std::vector<std::string>& args, double time_scale);

// On the deterministic engine no real time corresponds to scenario time, so the real timeout would
// never fire: `timeout` is not modelled there (what core::not_modelled_result names).
inline constexpr const char* kTimeoutOnVirtualClock =
    "`timeout` with --engine sim (the real timeout counts real time, which scenario time does not follow "
    "there; run with --engine live)";

}  // namespace bg::fakes
