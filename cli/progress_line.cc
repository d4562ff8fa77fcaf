#include "cli/progress_line.h"

#include <fmt/format.h>

#include <cstring>

namespace bg::cli {

std::string progress_text(const ProgressSnapshot& s, size_t width, bool color) {
  const std::string lost = fmt::format("{} lost", s.lost);
  // Until the run has read its scenario it does not know how many swaps it has: "swap 0/0" would
  // read as a run without any, so the phase alone says it is starting.
  const std::string where = s.swaps > 0 ? fmt::format("swap {}/{} ({})", s.swap, s.swaps, s.phase) : s.phase;
  std::string text = fmt::format("{:6.1f}s  {}  {} requests  {}", s.elapsed_s, where, s.requests, lost);
  if (width > 0 && text.size() >= width) text.resize(width - 1);  // the last column would wrap on some terminals
  if (color && s.lost > 0)
    if (auto at = text.rfind(lost); at != std::string::npos && at + lost.size() == text.size())
      text.replace(at, lost.size(), "\x1b[1;31m" + lost + "\x1b[0m");
  return text;
}

bool progress_wanted(bool stdout_is_terminal, bool stderr_is_terminal, bool quiet, const char* term) {
  return stdout_is_terminal && stderr_is_terminal && !quiet && !(term && std::strcmp(term, "dumb") == 0);
}

bool color_wanted(const char* no_color) { return !(no_color && *no_color); }

}  // namespace bg::cli
