#include "core/duration_range.h"

#include <fmt/format.h>

namespace bg::core {
namespace {

// The shortest decimal that reads back as the same number of seconds: "2.5s", "3s", "0.25s".
std::string seconds_as_written(Duration d) { return fmt::format("{}s", to_seconds(d)); }

}  // namespace

std::string DurationRange::text() const {
  if (fixed()) return seconds_as_written(min);
  return seconds_as_written(min) + ".." + seconds_as_written(max);
}

std::string drawn_note(std::string_view name, Duration drawn, const DurationRange& from) {
  if (from.fixed()) return "";
  return fmt::format("{} {} (drawn from {})", name, format_seconds(drawn), from.text());
}

std::string drawn_suffix(std::string_view name, Duration drawn, const DurationRange& from) {
  return from.fixed() ? "" : " " + drawn_note(name, drawn, from);
}

}  // namespace bg::core
