#pragma once
// ProgressDisplay: the thin shell that shows progress_text (progress_line.h) on a terminal while a
// run goes. A thread of its own reads the run's LiveProgress and redraws one line of stderr five
// times a second; log lines go to stdout above it; stop() (or the destructor) joins the thread and
// erases the line, so what the command prints afterwards is what it printed without a terminal.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "sim/live_progress.h"

namespace bg::cli {

class ProgressDisplay {
 public:
  // Shows nothing at all, and starts no thread, unless `enabled`.
  ProgressDisplay(const sim::LiveProgress& live, bool enabled, bool color);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // Prints one log line on stdout without tearing the progress line: clears it, prints, redraws.
  void print(const std::string& line);
  // Removes the line for good and joins the thread (the destructor does it too).
  void stop();

  // The terminal's width from stderr, 80 when it cannot be had.
  static size_t terminal_width();

 private:
  void draw_locked();

  const sim::LiveProgress& live_;
  const bool color_;
  const std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool drawn_ = false;
  std::jthread thread_;
};

// progress_wanted and color_wanted for this process's own streams and environment (isatty, TERM,
// NO_COLOR) and --quiet.
bool terminal_progress_wanted(bool quiet);
bool terminal_color_wanted();

}  // namespace bg::cli
