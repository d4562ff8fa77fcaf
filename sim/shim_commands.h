#pragma once
// Pure pieces of the shims that need no fake behind them: GNU `sleep`'s argument rules, and rewriting
// a `curl`/`wget` command line so that it reaches the run's mapped ports and honours the time scale.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "core/time.h"

namespace bg::sim {

// GNU coreutils sleep: every operand is a number with an optional s/m/h/d suffix; they add up.
// Returns the total, or the CommandResult sleep itself would give (message and exit 1).
struct SleepParse {
  std::optional<core::Duration> total;
  core::CommandResult error;
};
SleepParse parse_sleep_args(const std::vector<std::string>& args);

// Rewrites URLs naming localhost/127.0.0.1 (with or without a port) through `map_port` (declared ->
// actual), and scales curl's and wget's time options (seconds) by `time_scale`, so `--max-time 2`
// means 2 scenario seconds. Other arguments pass unchanged.
std::vector<std::string> rewrite_http_client_args(const std::string& program, const std::vector<std::string>& args,
                                                  const std::function<uint16_t(uint16_t)>& map_port,
                                                  double time_scale);

}  // namespace bg::sim
