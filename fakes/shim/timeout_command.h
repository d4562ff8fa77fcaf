#pragma once
// A script's `timeout DURATION COMMAND...` (GNU coreutils): its durations are scenario time, so the
// real `timeout` is run with them scaled to the run's time scale; everything else is its own.
#include <string>
#include <vector>

namespace bg::fakes {

// The arguments for the real timeout (without argv[0]): DURATION and -k/--kill-after scaled. An
// invalid duration is left as written for the real program to reject with its own message.
std::vector<std::string> scale_timeout_args(const std::vector<std::string>& args, double time_scale);

}  // namespace bg::fakes
