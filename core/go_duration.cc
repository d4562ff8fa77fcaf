#include "core/go_duration.h"

#include <cctype>
#include <cmath>
#include <string>

namespace bg::core {

std::optional<Duration> parse_go_duration(std::string_view text) {
  // time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, or "0".
  std::string s(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s = s.substr(1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return std::nullopt;
  double micros = 0;
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double value = 0;
    try {
      value = std::stod(s.substr(start, i - start));
    } catch (...) {
      return std::nullopt;
    }
    const size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    const std::string unit = s.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns")
      scale = 1e-3;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      scale = 1;
    else if (unit == "ms")
      scale = 1e3;
    else if (unit == "s")
      scale = 1e6;
    else if (unit == "m")
      scale = 60e6;
    else if (unit == "h")
      scale = 3600e6;
    else
      return std::nullopt;  // missing or unknown unit
    micros += value * scale;
  }
  const auto d = Duration(static_cast<int64_t>(std::llround(micros)));
  return negative ? -d : d;
}

}  // namespace bg::core
