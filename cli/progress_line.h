#pragma once
// The text of the one updating line `run` and `check` show on a terminal while a run goes (the
// phase, swap i of N, requests so far and how many were lost), and whether to show it at all. Pure
// functions of a snapshot and of what the process was started with, so a test drives them without a
// terminal; ProgressDisplay (progress_display.h) is the shell that draws the line on stderr.
#include <cstddef>
#include <cstdint>
#include <string>

namespace bg::cli {

struct ProgressSnapshot {
  std::string phase;  // sim::run_phase_name
  int swap = 0, swaps = 0;
  int64_t requests = 0, lost = 0;
  double elapsed_s = 0;  // real seconds since the line began
};

// "  12.3s  swap 2/3 (swap)  1234 requests  5 lost" ("   0.0s  starting  0 requests  0 lost" before
// the number of swaps is known), cut to `width` columns; with `color`, a
// count of lost requests above 0 in bold red (escape sequences not counted in the width).
std::string progress_text(const ProgressSnapshot& s, size_t width, bool color);

// Whether to show the line: only when stdout and stderr are both a terminal that can redraw (TERM
// not "dumb"), never with --quiet. Both, because log lines go to stdout between an erase and a redraw
// of the line on stderr: through a pipe (`| cat`, `| tee log`) they reach the terminal late, after
// the redraw, and land on the progress line's end. Colour is separate: NO_COLOR set (to anything
// non-empty) turns it off.
bool progress_wanted(bool stdout_is_terminal, bool stderr_is_terminal, bool quiet, const char* term);
bool color_wanted(const char* no_color);

}  // namespace bg::cli
