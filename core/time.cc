#include "core/time.h"

#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace bg::core {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total_us = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i, dots = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      dots += text[i++] == '.';
    // "1.2.3s" would be read as 1.2 s by stod, and "." as nothing: both are malformed.
    if (start == i || dots > 1 || (dots == 1 && i - start == 1)) return std::nullopt;
    double value = 0;
    try {
      value = std::stod(std::string(text.substr(start, i - start)));
    } catch (...) {
      return std::nullopt;
    }
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale_us = 0;
    if (unit.empty() || unit == "s")
      scale_us = 1e6;
    else if (unit == "ms")
      scale_us = 1e3;
    else if (unit == "us")
      scale_us = 1;
    else if (unit == "m")
      scale_us = 60e6;
    else if (unit == "h")
      scale_us = 3600e6;
    else if (unit == "d")
      scale_us = 86400e6;
    else
      return std::nullopt;
    // A bare number is only valid alone ("10"), as in nginx.
    if (unit.empty() && (start != 0 || i != text.size())) return std::nullopt;
    total_us += value * scale_us;
  }
  // Beyond about 100 years the microsecond count would overflow int64 on the way to a Duration (and
  // llround's result is then unspecified): such a text is refused, not wrapped.
  constexpr double kMaxUs = 100.0 * 365 * 86400e6;
  if (!(total_us <= kMaxUs)) return std::nullopt;
  return Duration(static_cast<int64_t>(std::llround(total_us)));
}

std::string format_seconds(Duration d) { return fmt::format("{:.3f}s", to_seconds(d)); }

}  // namespace bg::core
