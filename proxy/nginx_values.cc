#include "proxy/nginx_values.h"

#include <limits>

namespace bg::proxy {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The value of `s` scaled by its unit suffix (`units`: suffix letters and their scale), as
// ngx_parse_size and ngx_parse_offset read it.
std::optional<int64_t> scaled(std::string_view s, bool with_giga) {
  if (s.empty()) return std::nullopt;
  int64_t scale = 1;
  switch (s.back()) {
    case 'K':
    case 'k':
      scale = 1024;
      break;
    case 'M':
    case 'm':
      scale = 1024 * 1024;
      break;
    case 'G':
    case 'g':
      if (with_giga) scale = 1024 * 1024 * 1024;
      break;
    default:
      break;
  }
  if (scale != 1) s.remove_suffix(1);
  auto n = nginx_atoi(s);
  if (!n || *n > kMax / scale) return std::nullopt;
  return *n * scale;
}

}  // namespace

std::optional<int64_t> nginx_atoi(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (kMax - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<int64_t> nginx_parse_size(std::string_view s) { return scaled(s, false); }
std::optional<int64_t> nginx_parse_offset(std::string_view s) { return scaled(s, true); }

// A port of ngx_parse_time: units in decreasing order, each at most once, spaces after a unit.
std::optional<int64_t> nginx_parse_time(std::string_view s, bool is_sec) {
  enum Step { st_start, st_year, st_month, st_week, st_day, st_hour, st_min, st_sec, st_msec, st_last };
  Step step = is_sec ? st_start : st_month;
  bool valid = false;
  int64_t value = 0, total = 0;
  size_t p = 0;
  while (p < s.size()) {
    char c = s[p++];
    if (c >= '0' && c <= '9') {
      if (value > (kMax - (c - '0')) / 10) return std::nullopt;
      value = value * 10 + (c - '0');
      valid = true;
      continue;
    }
    Step next;
    int64_t scale;
    switch (c) {
      case 'y':
        next = st_year, scale = 60LL * 60 * 24 * 365;
        break;
      case 'M':
        next = st_month, scale = 60LL * 60 * 24 * 30;
        break;
      case 'w':
        next = st_week, scale = 60LL * 60 * 24 * 7;
        break;
      case 'd':
        next = st_day, scale = 60LL * 60 * 24;
        break;
      case 'h':
        next = st_hour, scale = 60LL * 60;
        break;
      case 'm':
        if (p < s.size() && s[p] == 's') {
          if (is_sec) return std::nullopt;
          ++p;
          next = st_msec, scale = 1;
        } else {
          next = st_min, scale = 60;
        }
        break;
      case 's':
        next = st_sec, scale = 1;
        break;
      case ' ':
        next = st_last, scale = 1;
        break;
      default:
        return std::nullopt;
    }
    // 'y' may only come first; every other unit must come after the one before it.
    if (next == st_year ? step > st_start : step >= next) return std::nullopt;
    if (next == st_last && step >= st_sec) return std::nullopt;
    step = next;
    if (step != st_msec && !is_sec) scale *= 1000;
    if (value > kMax / scale) return std::nullopt;
    value *= scale;
    if (total > kMax - value) return std::nullopt;
    total += value;
    value = 0;
    while (p < s.size() && s[p] == ' ') ++p;
  }
  if (!valid) return std::nullopt;
  if (!is_sec) {
    if (value > kMax / 1000) return std::nullopt;
    value *= 1000;
  }
  if (total > kMax - value) return std::nullopt;
  return total + value;
}

}  // namespace bg::proxy
