#pragma once
// A script's `sleep`: GNU coreutils' argument rules; the run sleeps the total in scenario time.
#include <optional>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "core/time.h"

namespace bg::fakes {

// GNU coreutils sleep: every operand is a number with an optional s/m/h/d suffix; they add up.
// Returns the total, or the CommandResult sleep itself would give (message and exit 1).
struct SleepParse {
  std::optional<core::Duration> total;
  core::CommandResult error;
};
SleepParse parse_sleep_args(const std::vector<std::string>& args);

}  // namespace bg::fakes
