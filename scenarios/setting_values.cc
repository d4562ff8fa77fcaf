#include "scenarios/setting_values.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace bg::scenarios {
namespace {

// The value as the message shows it: a long one (a pasted file, a hostile input) cut short, an empty
// or spaced one quoted so the user sees where it starts and ends.
std::string shown(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string s(text.substr(0, kMax));
  if (text.size() > kMax) s += "...";
  if (s.empty() || s.find_first_of(" \t") != std::string::npos) return "'" + s + "'";
  return s;
}

std::string range_text(const NumberLimits& l) {
  return fmt::format("{}..{}{}", l.min, l.max, l.unit.empty() ? "" : fmt::format(" {}", l.unit));
}

[[noreturn]] void refuse(std::string_view field, std::string_view text, std::string_view what,
                         const std::string& expected) {
  throw SettingError(fmt::format("{}: {} {} ({})", field, shown(text), what, expected));
}

// from_chars for double: no leading '+', no spaces, no hex; the whole text must be the number.
std::optional<double> parse_double(std::string_view text) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return std::numeric_limits<double>::infinity();
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

}  // namespace

double read_number(std::string_view field, std::string_view text, const NumberLimits& limits) {
  auto v = parse_double(text);
  if (!v || std::isnan(*v)) refuse(field, text, "is not a number", "expected " + range_text(limits));
  // "inf" is a number to from_chars but never within limits: it is out of range like 1e400.
  if (*v < limits.min || *v > limits.max) refuse(field, text, "is out of range", range_text(limits));
  return *v;
}

int64_t read_whole(std::string_view field, std::string_view text, const NumberLimits& limits) {
  const double v = read_number(field, text, limits);
  if (v != std::floor(v)) refuse(field, text, "is not a whole number", range_text(limits));
  return static_cast<int64_t>(v);  // within limits, which fit int64 by construction
}

uint64_t read_seed(std::string_view field, std::string_view text) {
  constexpr auto kMax = std::numeric_limits<uint64_t>::max();
  const std::string expected = fmt::format("0..{}", kMax);
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits) {
    // "-1" would wrap to 2^64-1 and "1e3" lose digits through a double: both are refused.
    const bool negative =
        text.size() > 1 && text[0] == '-' && text.find_first_not_of("0123456789", 1) == std::string_view::npos;
    refuse(field, text, negative ? "is out of range" : "is not a whole number written in digits", expected);
  }
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc::result_out_of_range || ptr != end) refuse(field, text, "is out of range", expected);
  return v;
}

core::Duration read_duration(std::string_view field, std::string_view text, const DurationLimits& limits) {
  const std::string expected = fmt::format("{}..{}", format_limit(limits.min), format_limit(limits.max));
  auto d = core::parse_duration(text);
  if (!d) refuse(field, text, "is not a duration", "expected " + expected + ", written like 10s, 500ms or 1m30s");
  if (*d < limits.min || *d > limits.max) refuse(field, text, "is out of range", expected);
  return *d;
}

core::DurationRange read_duration_range(std::string_view field, std::string_view text, const DurationLimits& limits) {
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) return read_duration(field, text, limits);
  const std::string expected = "expected MIN..MAX, two durations with MIN at most MAX, e.g. 2.5s..3.5s";
  const std::string_view min_text = text.substr(0, dots), max_text = text.substr(dots + 2);
  if (max_text.find("..") != std::string_view::npos) refuse(field, text, "is not a range: it has two '..'", expected);
  // Each end as read_duration would refuse it, said of the whole range.
  auto end = [&](std::string_view which, std::string_view t) {
    if (t.empty()) refuse(field, text, fmt::format("is not a range: its {} is missing", which), expected);
    auto d = core::parse_duration(t);
    if (!d) refuse(field, text, fmt::format("is not a range: its {} {} is not a duration", which, shown(t)), expected);
    if (*d < limits.min || *d > limits.max)
      refuse(field, text,
             fmt::format("is out of range: its {} {} is not within {}..{}", which, shown(t), format_limit(limits.min),
                         format_limit(limits.max)),
             expected);
    return *d;
  };
  const core::DurationRange r{end("min", min_text), end("max", max_text)};
  if (r.max < r.min)
    refuse(field, text, fmt::format("is not a range: its max {} is below its min {}", shown(max_text), shown(min_text)),
           expected);
  return r;
}

bool read_bool(std::string_view field, std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  refuse(field, text, "is not true or false", "expected true or false");
}

std::string read_word(std::string_view field, std::string_view text, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (text == w) return std::string(text);
  std::string list;
  size_t i = 0;
  for (auto w : words) {
    if (i > 0) list += i + 1 == words.size() ? " or " : ", ";
    list += w;
    ++i;
  }
  refuse(field, text, "is not one of the accepted values", "expected " + list);
}

std::string format_limit(core::Duration d) {
  using namespace std::chrono;
  const int64_t us = d.count();
  struct Unit {
    int64_t us;
    const char* name;
  };
  for (const Unit u : {Unit{86'400'000'000, "d"}, Unit{3'600'000'000, "h"}, Unit{60'000'000, "m"}, Unit{1'000'000, "s"},
                       Unit{1'000, "ms"}})
    if (us != 0 && us % u.us == 0) return fmt::format("{}{}", us / u.us, u.name);
  return us == 0 ? "0s" : fmt::format("{}us", us);
}

}  // namespace bg::scenarios
