#include "fakes/docker/tab_writer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace bg::fakes {

size_t TabWriter::display_width(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

std::string TabWriter::str() const {
  size_t columns = 0;
  for (const auto& r : rows_) columns = std::max(columns, r.size());
  std::vector<size_t> widths(columns ? columns - 1 : 0, static_cast<size_t>(minwidth_));
  for (const auto& r : rows_)
    for (size_t i = 0; i + 1 < r.size(); ++i) widths[i] = std::max(widths[i], display_width(r[i]) + padding_);
  std::string out;
  for (const auto& r : rows_) {
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out.append(widths[i] - display_width(r[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

std::string ellipsis(const std::string& s, size_t width) {
  if (TabWriter::display_width(s) <= width) return s;
  std::string out;
  size_t kept = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    bool starts_code_point = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts_code_point && ++kept == width) break;
    out += s[i];
  }
  return out + "\xE2\x80\xA6";  // …
}

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string human_duration(double seconds_f) {
  long seconds = static_cast<long>(seconds_f);
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return fmt::format("{} seconds", seconds);
  long minutes = static_cast<long>(seconds_f / 60);
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  long hours = static_cast<long>(std::round(seconds_f / 3600));
  if (hours == 1) return "About an hour";
  if (hours < 48) return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
  return fmt::format("{} weeks", hours / 24 / 7);
}

}  // namespace bg::fakes
