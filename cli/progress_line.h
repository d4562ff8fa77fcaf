#pragma once
// The one updating line `run` and `check` show on a terminal while a run goes: the phase, swap i of
// N, requests so far and how many were lost. The text is a pure function of a snapshot; ProgressLine
// is the thin shell that redraws it on stderr a few times a second and clears it when done.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "sim/live_progress.h"

namespace bg::cli {

struct ProgressSnapshot {
  std::string phase;          // sim::run_phase_name
  int swap = 0, swaps = 0;
  int64_t requests = 0, lost = 0;
  double elapsed_s = 0;       // real seconds since the line began
};

// "  12.3s  swap 2/3 (swap)  1234 requests  5 lost", cut to `width` columns; with `color`, a
// count of lost requests above 0 in bold red (escape sequences not counted in the width).
std::string progress_text(const ProgressSnapshot& s, size_t width, bool color);

// Whether to show the line: only on a terminal that can redraw (TERM not "dumb"), never with
// --quiet. Colour is separate: NO_COLOR set (to anything non-empty) turns it off.
bool progress_wanted(bool stderr_is_terminal, bool quiet, const char* term);
bool color_wanted(const char* no_color);

class ProgressLine {
 public:
  // Shows nothing at all unless `enabled`.
  ProgressLine(const sim::LiveProgress& live, bool enabled, bool color);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Prints one log line on stdout without tearing the progress line: clears it, prints, redraws.
  void print(const std::string& line);
  // Removes the line for good (the destructor does it too).
  void stop();

  // The terminal's width from stderr, 80 when it cannot be had.
  static size_t terminal_width();

 private:
  void draw_locked();

  const sim::LiveProgress& live_;
  const bool enabled_, color_;
  const std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool drawn_ = false;
  std::jthread thread_;
};

// ProgressLine for the CLI's own stderr and environment (isatty, TERM, NO_COLOR, --quiet).
bool stderr_progress_wanted(bool quiet);

}  // namespace bg::cli
