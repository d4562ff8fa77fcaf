#pragma once
// CLI11 validators for the CLI's own options, built on scenario.yaml's value readers
// (scenarios/setting_values.h): `--time-scale 1000`, `--seed -1` and `--runs 0` are refused before
// anything runs, with the option, the value and what is accepted, and no value wraps or rounds
// silently (CLI11 alone turns `--seed -1` into 18446744073709551615).
#include <CLI/CLI.hpp>

#include <string>

#include "scenarios/setting_values.h"

namespace bg::cli {

// A 64-bit seed written in digits.
CLI::Validator seed_value();
// A time scale a run can work at (scenarios::kTimeScaleLimits, as scenario.yaml's time_scale).
CLI::Validator time_scale_value();
// A whole number within `limits`.
CLI::Validator whole_value(scenarios::NumberLimits limits);
// A number within `limits`.
CLI::Validator number_value(scenarios::NumberLimits limits);
// A path that is not empty (an empty `--out ""` would silently mean the default).
CLI::Validator non_empty_path();
// An existing regular file (a folder read as a file gives the stream library's own errors).
CLI::Validator existing_file();
// An existing folder.
CLI::Validator existing_folder();

}  // namespace bg::cli
