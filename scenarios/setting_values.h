#pragma once
// Strict readers of one user value — a number, a whole number, a seed, a duration, true/false, one of
// a few words — each checked against the values its setting accepts. Every place a user's value
// comes in (scenario.yaml, `--set key=value`, the CLI's own options) reads it through these, so a
// value is refused the same way everywhere and the refusal names the field, what was given and what
// would do: "traffic.clients: 100000000 is out of range (1..1000)". No library message (stod's,
// yaml-cpp's, CLI11's) reaches the user, and nothing wraps or rounds silently.
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/duration_range.h"
#include "core/time.h"

namespace bg::scenarios {

// A refused value. what() is "<field>: <what is wrong> (<what is accepted>)"; the caller puts the
// place in front (a file:line:column, or the option that gave it).
class SettingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Inclusive bounds of a number; `unit` is said after the range ("requests per scenario second").
struct NumberLimits {
  double min = 0;
  double max = 0;
  std::string_view unit = "";
};

struct DurationLimits {
  core::Duration min{};
  core::Duration max{};
};

// A decimal number (1, 0.5, 1e3, -2): a finite value, written whole (nothing after it).
double read_number(std::string_view field, std::string_view text, const NumberLimits& limits);
// The same, and whole: 3, 1e3; not 1.5.
int64_t read_whole(std::string_view field, std::string_view text, const NumberLimits& limits);
// A 64-bit seed, in digits only: every value 0..2^64-1 is a seed, anything else is refused (not wrapped).
uint64_t read_seed(std::string_view field, std::string_view text);
// "10s", "500ms", "1m30s", a bare number of seconds (core::parse_duration), within the limits.
core::Duration read_duration(std::string_view field, std::string_view text, const DurationLimits& limits);
// A duration as read_duration reads it ("3s": fixed), or MIN..MAX ("2.5s..3.5s": drawn uniformly per
// use), each end within the limits and MIN at most MAX. A malformed range names the field, the whole
// text and which end is wrong.
core::DurationRange read_duration_range(std::string_view field, std::string_view text, const DurationLimits& limits);
bool read_bool(std::string_view field, std::string_view text);
// One of `words`, as written.
std::string read_word(std::string_view field, std::string_view text, std::initializer_list<std::string_view> words);

// "1ms", "1h", "7d", "0.5s": a limit as a user writes it.
std::string format_limit(core::Duration d);

}  // namespace bg::scenarios
